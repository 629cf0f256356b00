using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Letters.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ProgressAndCompletion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "completions",
                columns: table => new
                {
                    letter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    figure = table.Column<decimal>(type: "numeric(7,2)", precision: 7, scale: 2, nullable: false),
                    signed = table.Column<bool>(type: "boolean", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_completions", x => x.letter_id);
                    table.ForeignKey(
                        name: "fk_completions_letters_letter_id",
                        column: x => x.letter_id,
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "evidence_files",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    letter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    issuer_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    receiver_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
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
                    table.PrimaryKey("pk_evidence_files", x => x.id);
                    table.ForeignKey(
                        name: "fk_evidence_files_letters_letter_id",
                        column: x => x.letter_id,
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "progress_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    letter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    issuer_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    receiver_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    as_of = table.Column<DateOnly>(type: "date", nullable: false),
                    achieved_value = table.Column<decimal>(type: "numeric", nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    evidence_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reported_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_progress_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_progress_entries_letters_letter_id",
                        column: x => x.letter_id,
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "completion_results",
                columns: table => new
                {
                    letter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    percent = table.Column<decimal>(type: "numeric(7,4)", precision: 7, scale: 4, nullable: false),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_completion_results", x => new { x.letter_id, x.code });
                    table.ForeignKey(
                        name: "fk_completion_results_completions_letter_id",
                        column: x => x.letter_id,
                        principalTable: "completions",
                        principalColumn: "letter_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_evidence_files_letter_id",
                table: "evidence_files",
                column: "letter_id");

            migrationBuilder.CreateIndex(
                name: "ix_evidence_files_year_issuer_code_receiver_code_target_code",
                table: "evidence_files",
                columns: new[] { "year", "issuer_code", "receiver_code", "target_code" });

            migrationBuilder.CreateIndex(
                name: "ix_progress_entries_letter_id",
                table: "progress_entries",
                column: "letter_id");

            migrationBuilder.CreateIndex(
                name: "ix_progress_entries_year_issuer_code_receiver_code_target_code",
                table: "progress_entries",
                columns: new[] { "year", "issuer_code", "receiver_code", "target_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "completion_results");

            migrationBuilder.DropTable(
                name: "evidence_files");

            migrationBuilder.DropTable(
                name: "progress_entries");

            migrationBuilder.DropTable(
                name: "completions");
        }
    }
}
