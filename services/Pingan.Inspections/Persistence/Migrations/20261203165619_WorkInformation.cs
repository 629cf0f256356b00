using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Inspections.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class WorkInformation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "work_information",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    unit_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    unit_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    jurisdiction_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    scope_chain = table.Column<string[]>(type: "text[]", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    text = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    submitted_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_work_information", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_work_information_scope_chain",
                table: "work_information",
                column: "scope_chain")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_work_information_submitted_at_id",
                table: "work_information",
                columns: new[] { "submitted_at", "id" },
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_work_information_year_unit_code",
                table: "work_information",
                columns: new[] { "year", "unit_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "work_information");
        }
    }
}
