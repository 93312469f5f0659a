using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OtpWall.Core.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class BuyRulesAndPriceCeilings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "MayRaiseCeilings",
                table: "MemberSpending",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "BuyRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: true),
                    Name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Service = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ServiceName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CountriesJson = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Ceiling = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BuyRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BuyRules_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ServiceCeilings",
                columns: table => new
                {
                    Service = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ServiceName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Ceiling = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceCeilings", x => x.Service);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BuyRules_UserId",
                table: "BuyRules",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BuyRules");

            migrationBuilder.DropTable(
                name: "ServiceCeilings");

            migrationBuilder.DropColumn(
                name: "MayRaiseCeilings",
                table: "MemberSpending");
        }
    }
}
