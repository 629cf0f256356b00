using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Letters.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class TargetLineage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "lineage_id",
                table: "letter_targets",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // Issue 12: a first version's targets start their lineage; each amendment's target (amendments keep the codes)
            // carries the lineage of the same code in the version it amends.
            migrationBuilder.Sql("""
                WITH RECURSIVE lineage(id, lineage_id) AS (
                    SELECT t.id, t.id FROM letter_targets t JOIN letters l ON l.id = t.letter_id WHERE l.amends_letter_id IS NULL
                    UNION ALL
                    SELECT t.id, p.lineage_id
                    FROM letter_targets t JOIN letters l ON l.id = t.letter_id
                    JOIN letter_targets prev ON prev.letter_id = l.amends_letter_id AND prev.code = t.code
                    JOIN lineage p ON p.id = prev.id
                )
                UPDATE letter_targets t SET lineage_id = lineage.lineage_id FROM lineage WHERE lineage.id = t.id
                """);

            migrationBuilder.CreateIndex(
                name: "ix_letter_targets_lineage_id",
                table: "letter_targets",
                column: "lineage_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_letter_targets_lineage_id",
                table: "letter_targets");

            migrationBuilder.DropColumn(
                name: "lineage_id",
                table: "letter_targets");
        }
    }
}
