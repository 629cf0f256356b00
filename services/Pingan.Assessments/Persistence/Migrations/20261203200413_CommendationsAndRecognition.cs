using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Assessments.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CommendationsAndRecognition : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "targets_met_from",
                table: "schemes",
                type: "numeric(5,1)",
                precision: 5,
                scale: 1,
                nullable: false,
                defaultValue: 60m);

            migrationBuilder.AddColumn<DateOnly>(
                name: "extra_salary_decided_on",
                table: "assessment_rounds",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "extra_salary_document",
                table: "assessment_rounds",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "extra_salary_recorded_by",
                table: "assessment_rounds",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string[]>(
                name: "extra_salary_units",
                table: "assessment_rounds",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.CreateTable(
                name: "commendation_meetings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    commending_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    held_on = table.Column<DateOnly>(type: "date", nullable: false),
                    attendees = table.Column<string>(type: "jsonb", nullable: false),
                    minutes = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    recorded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_commendation_meetings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "commendations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    commending_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    unit_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    unit_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    person_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    leader_id = table.Column<Guid>(type: "uuid", nullable: true),
                    external_person_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    citation = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    grade = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    proposed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    proposed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    meeting_id = table.Column<Guid>(type: "uuid", nullable: true),
                    endorsed = table.Column<bool>(type: "boolean", nullable: false),
                    study_remarks = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    decided_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decision_reasons = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_commendations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "disqualifications",
                columns: table => new
                {
                    case_id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    starts_on = table.Column<DateOnly>(type: "date", nullable: true),
                    ends_on = table.Column<DateOnly>(type: "date", nullable: true),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    leader_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_disqualifications", x => x.case_id);
                });

            migrationBuilder.CreateTable(
                name: "fund_awards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    unit_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    unit_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    scope_chain = table.Column<string[]>(type: "text[]", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    purpose = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    document = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    recorded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fund_awards", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promotion_recommendations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    recommending_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    unit_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    unit_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    title = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    commended_year = table.Column<int>(type: "integer", nullable: false),
                    commendation_document = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    recipients = table.Column<string[]>(type: "text[]", nullable: false),
                    leaders = table.Column<string>(type: "jsonb", nullable: false),
                    issued_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    issued_by_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promotion_recommendations", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_commendations_year_commending_code",
                table: "commendations",
                columns: new[] { "year", "commending_code" });

            migrationBuilder.CreateIndex(
                name: "ix_disqualifications_unit_code",
                table: "disqualifications",
                column: "unit_code");

            migrationBuilder.CreateIndex(
                name: "ix_fund_awards_scope_chain",
                table: "fund_awards",
                column: "scope_chain")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_promotion_recommendations_recommending_code",
                table: "promotion_recommendations",
                column: "recommending_code");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "commendation_meetings");

            migrationBuilder.DropTable(
                name: "commendations");

            migrationBuilder.DropTable(
                name: "disqualifications");

            migrationBuilder.DropTable(
                name: "fund_awards");

            migrationBuilder.DropTable(
                name: "promotion_recommendations");

            migrationBuilder.DropColumn(
                name: "targets_met_from",
                table: "schemes");

            migrationBuilder.DropColumn(
                name: "extra_salary_decided_on",
                table: "assessment_rounds");

            migrationBuilder.DropColumn(
                name: "extra_salary_document",
                table: "assessment_rounds");

            migrationBuilder.DropColumn(
                name: "extra_salary_recorded_by",
                table: "assessment_rounds");

            migrationBuilder.DropColumn(
                name: "extra_salary_units",
                table: "assessment_rounds");
        }
    }
}
