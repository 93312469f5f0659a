using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OtpWall.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class PairInsightsAndBuyingChoices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "FirstSmsAt",
                table: "Activations",
                type: "INTEGER",
                nullable: true);

            // Activations bought before this version: their first SMS is their earliest message.
            migrationBuilder.Sql(
                "UPDATE \"Activations\" SET \"FirstSmsAt\" = (SELECT MIN(m.\"ReceivedAt\") FROM \"ActivationMessages\" AS m WHERE m.\"ActivationId\" = \"Activations\".\"Id\");");

            migrationBuilder.AddColumn<bool>(
                name: "ConfirmQuickBuys",
                table: "ActivationPreferences",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<decimal>(
                name: "LowBalanceThreshold",
                table: "ActivationPreferences",
                type: "TEXT",
                precision: 18,
                scale: 4,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PairShortages",
                columns: table => new
                {
                    Service = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Country = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    LastNoNumbersAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PairShortages", x => new { x.Service, x.Country });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Activations_CreatedAt",
                table: "Activations",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Activations_Service_Country_CreatedAt",
                table: "Activations",
                columns: new[] { "Service", "Country", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PairShortages");

            migrationBuilder.DropIndex(
                name: "IX_Activations_CreatedAt",
                table: "Activations");

            migrationBuilder.DropIndex(
                name: "IX_Activations_Service_Country_CreatedAt",
                table: "Activations");

            migrationBuilder.DropColumn(
                name: "FirstSmsAt",
                table: "Activations");

            migrationBuilder.DropColumn(
                name: "ConfirmQuickBuys",
                table: "ActivationPreferences");

            migrationBuilder.DropColumn(
                name: "LowBalanceThreshold",
                table: "ActivationPreferences");
        }
    }
}
