using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Sanctions.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ListingFollowUpLevel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "follow_up_code",
                table: "cases",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            // Art. 36: listings approved before this change keep the level between (the city) as their follow-up level.
            migrationBuilder.Sql("""
                UPDATE cases SET follow_up_code = responsible_code
                WHERE upper_code <> responsible_code AND (stage = 'Listing' OR listing_in_force)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "follow_up_code",
                table: "cases");
        }
    }
}
