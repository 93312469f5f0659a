using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OtpWall.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class NoPollFailures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PollFailures",
                table: "Activations");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "PollFailures",
                table: "Activations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }
    }
}
