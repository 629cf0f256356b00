using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Assessments.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ApprovalAndPublication : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "adjusted_by",
                table: "unit_scores",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "adjusted_grade",
                table: "unit_scores",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "adjustment_reasons",
                table: "unit_scores",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "assessment_rounds",
                columns: table => new
                {
                    year = table.Column<int>(type: "integer", nullable: false),
                    assessing_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    opened_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    opened_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    approved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    approved_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    published_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    distribution = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assessment_rounds", x => new { x.year, x.assessing_code });
                });
            // A year opened before rounds were kept (its scheme frozen) becomes a round opened then.
            migrationBuilder.Sql("""
                INSERT INTO assessment_rounds (year, assessing_code, opened_at, opened_by, approved_by, published_by, distribution)
                SELECT year, assessing_code, frozen_at, frozen_by, '', '', '{}' FROM schemes WHERE frozen_at IS NOT NULL
                ON CONFLICT DO NOTHING
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assessment_rounds");

            migrationBuilder.DropColumn(
                name: "adjusted_by",
                table: "unit_scores");

            migrationBuilder.DropColumn(
                name: "adjusted_grade",
                table: "unit_scores");

            migrationBuilder.DropColumn(
                name: "adjustment_reasons",
                table: "unit_scores");
        }
    }
}
