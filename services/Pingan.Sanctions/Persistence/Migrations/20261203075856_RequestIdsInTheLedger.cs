using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Sanctions.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RequestIdsInTheLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_request_id",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "request_id",
                table: "cases");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "request_id",
                table: "cases",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_request_id",
                table: "cases",
                column: "request_id",
                unique: true,
                filter: "request_id IS NOT NULL");
        }
    }
}
