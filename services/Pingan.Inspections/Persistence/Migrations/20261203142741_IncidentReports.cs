using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Inspections.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class IncidentReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "incidents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    category = table.Column<int>(type: "integer", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    place_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    place_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    place_chain = table.Column<string[]>(type: "text[]", nullable: false),
                    severity = table.Column<int>(type: "integer", nullable: false),
                    summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    reporter_unit_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    reporter_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    duty = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    late = table.Column<bool>(type: "boolean", nullable: false),
                    referred_clause = table.Column<int>(type: "integer", nullable: true),
                    referred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    recorded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_incidents", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_incidents_place_chain",
                table: "incidents",
                column: "place_chain")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "incidents");
        }
    }
}
