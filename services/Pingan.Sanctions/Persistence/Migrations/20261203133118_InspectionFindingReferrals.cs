using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Sanctions.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InspectionFindingReferrals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string[]>(
                name: "evidence_links",
                table: "cases",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<string>(
                name: "source_reference",
                table: "cases",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_cases_source_reference",
                table: "cases",
                column: "source_reference",
                unique: true,
                filter: "source_reference IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cases_source_reference",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "evidence_links",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "source_reference",
                table: "cases");
        }
    }
}
