using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Registry.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class TermRequestIdsAndComprehensiveManagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "comprehensive_management",
                table: "terms",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Reading 6: terms recorded before the flag follow the portfolio (Term.ComprehensivePortfolios), the first
            // recorded where two such terms of one unit overlap.
            migrationBuilder.Sql("""
                UPDATE terms a SET comprehensive_management = true
                WHERE a.role = 'InCharge' AND a.portfolio IN ('政法', '综治', '平安建设', '政法综治', '综治维稳')
                  AND NOT EXISTS (
                    SELECT 1 FROM terms b
                    WHERE b.unit_code = a.unit_code AND b.role = 'InCharge' AND b.id < a.id
                      AND b.portfolio IN ('政法', '综治', '平安建设', '政法综治', '综治维稳')
                      AND b.starts_on <= coalesce(a.ends_on, 'infinity'::date) AND a.starts_on <= coalesce(b.ends_on, 'infinity'::date))
                """);

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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_terms_request_id",
                table: "terms");

            migrationBuilder.DropColumn(
                name: "comprehensive_management",
                table: "terms");

            migrationBuilder.DropColumn(
                name: "request_id",
                table: "terms");
        }
    }
}
