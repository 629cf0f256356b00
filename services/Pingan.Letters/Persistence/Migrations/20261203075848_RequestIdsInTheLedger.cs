using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Letters.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RequestIdsInTheLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_templates_request_id",
                table: "templates");

            migrationBuilder.DropColumn(
                name: "request_id",
                table: "templates");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "request_id",
                table: "templates",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_templates_request_id",
                table: "templates",
                column: "request_id",
                unique: true,
                filter: "request_id IS NOT NULL");
        }
    }
}
