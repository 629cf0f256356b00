using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Pingan.Rules;

#nullable disable

namespace Pingan.Sanctions.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RegulationRulesAndAcceptanceGrace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "regulation_rules",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    rule = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    reading = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    effective_from = table.Column<DateOnly>(type: "date", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    set_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    set_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_regulation_rules", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_regulation_rules_rule_effective_from",
                table: "regulation_rules",
                columns: new[] { "rule", "effective_from" });

            migrationBuilder.AddRegulationRulesGuards();
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS pingan_rules_append_only() CASCADE;");
            migrationBuilder.DropTable(
                name: "regulation_rules");
        }
    }
}
