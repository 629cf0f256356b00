using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Assessments.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class UnitScores : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "unit_scores",
                columns: table => new
                {
                    year = table.Column<int>(type: "integer", nullable: false),
                    assessing_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    unit_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    total = table.Column<decimal>(type: "numeric(7,2)", precision: 7, scale: 2, nullable: false),
                    proposed_grade = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    result = table.Column<byte[]>(type: "bytea", nullable: false),
                    scored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    scored_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unit_scores", x => new { x.year, x.assessing_code, x.unit_code });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "unit_scores");
        }
    }
}
