using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Sanctions.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ListingHoldsUntilLifted : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_cases_one_open_listing",
                table: "cases");

            migrationBuilder.AddColumn<string>(
                name: "listing_acceptance",
                table: "cases",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "listing_in_force",
                table: "cases",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // The listings in force today: those under listing and not over. A listing already moved on to the veto
            // was taken as lifted then (its DisqualificationEnded went out); that is history and stays as it was.
            migrationBuilder.Sql("UPDATE cases SET listing_in_force = true WHERE stage = 'Listing' AND status NOT IN ('Closed', 'Dismissed', 'VetoReferred');");

            migrationBuilder.CreateIndex(
                name: "ux_cases_one_open_listing",
                table: "cases",
                column: "subject_code",
                unique: true,
                filter: "((stage = 'Listing' OR proposed_stage = 'Listing') AND status NOT IN ('Closed', 'Dismissed', 'VetoReferred')) OR listing_in_force");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_cases_one_open_listing",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "listing_acceptance",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "listing_in_force",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "ux_cases_one_open_listing",
                table: "cases",
                column: "subject_code",
                unique: true,
                filter: "(stage = 'Listing' OR proposed_stage = 'Listing') AND status NOT IN ('Closed', 'Dismissed', 'VetoReferred')");
        }
    }
}
