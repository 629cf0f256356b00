using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Registry.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RequestIdsInTheLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_terms_request_id",
                table: "terms");

            migrationBuilder.DropColumn(
                name: "request_id",
                table: "terms");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "request_id",
                table: "terms",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_terms_request_id",
                table: "terms",
                column: "request_id",
                unique: true,
                filter: "request_id IS NOT NULL");
        }
    }
}
