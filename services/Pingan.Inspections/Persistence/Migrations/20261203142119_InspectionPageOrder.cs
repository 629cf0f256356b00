using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Inspections.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InspectionPageOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_inspections_planned_at_id",
                table: "inspections",
                columns: new[] { "planned_at", "id" },
                descending: new bool[0]);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_inspections_planned_at_id",
                table: "inspections");
        }
    }
}
