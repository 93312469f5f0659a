using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OtpWall.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class TeamKeyAndBudgets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "TeamLowBalanceThreshold",
                table: "InstanceSettings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Payer",
                table: "Activations",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "Own");

            migrationBuilder.AddColumn<bool>(
                name: "PriceEstimated",
                table: "Activations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "MemberSpending",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    KeyMode = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    DailyLimit = table.Column<decimal>(type: "TEXT", nullable: true),
                    MonthlyLimit = table.Column<decimal>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MemberSpending", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_MemberSpending_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TeamApiKeys",
                columns: table => new
                {
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Ciphertext = table.Column<string>(type: "TEXT", nullable: false),
                    LastFour = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    SavedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RetiredAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamApiKeys", x => x.Fingerprint);
                });

            migrationBuilder.UpdateData(
                table: "InstanceSettings",
                keyColumn: "Id",
                keyValue: 1,
                column: "TeamLowBalanceThreshold",
                value: null);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MemberSpending");

            migrationBuilder.DropTable(
                name: "TeamApiKeys");

            migrationBuilder.DropColumn(
                name: "TeamLowBalanceThreshold",
                table: "InstanceSettings");

            migrationBuilder.DropColumn(
                name: "Payer",
                table: "Activations");

            migrationBuilder.DropColumn(
                name: "PriceEstimated",
                table: "Activations");
        }
    }
}
