using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Inspections.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReportingDuties : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "duty_rules",
                columns: table => new
                {
                    year = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    article = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    party = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    due_dates = table.Column<string[]>(type: "text[]", nullable: false),
                    to_commission_above = table.Column<bool>(type: "boolean", nullable: false),
                    set_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    set_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_duty_rules", x => new { x.year, x.kind });
                });

            migrationBuilder.CreateTable(
                name: "reporting_duties",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    article = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    party = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    party_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    party_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    unit_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    jurisdiction_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    recipient_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    scope_chain = table.Column<string[]>(type: "text[]", nullable: false),
                    city_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    county_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    due_on = table.Column<DateOnly>(type: "date", nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    submitted_on = table.Column<DateOnly>(type: "date", nullable: true),
                    submitted_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    form = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    missed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reporting_duties", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "duty_documents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    duty_id = table.Column<Guid>(type: "uuid", nullable: false),
                    file_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    uploaded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_duty_documents", x => x.id);
                    table.ForeignKey(
                        name: "fk_duty_documents_reporting_duties_duty_id",
                        column: x => x.duty_id,
                        principalTable: "reporting_duties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_duty_documents_duty_id",
                table: "duty_documents",
                column: "duty_id");

            migrationBuilder.CreateIndex(
                name: "ix_reporting_duties_scope_chain",
                table: "reporting_duties",
                column: "scope_chain")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_reporting_duties_unsubmitted",
                table: "reporting_duties",
                column: "due_on",
                filter: "submitted_at IS NULL AND missed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_reporting_duties_year_kind_party_code_due_on",
                table: "reporting_duties",
                columns: new[] { "year", "kind", "party_code", "due_on" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "duty_documents");

            migrationBuilder.DropTable(
                name: "duty_rules");

            migrationBuilder.DropTable(
                name: "reporting_duties");
        }
    }
}
