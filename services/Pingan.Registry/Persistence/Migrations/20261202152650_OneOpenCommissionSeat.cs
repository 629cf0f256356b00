using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Registry.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OneOpenCommissionSeat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_commission_member_commission_id",
                table: "commission_member");

            migrationBuilder.CreateIndex(
                name: "ix_commission_member_unit_commission_id_unit_code1",
                table: "commission_member_unit",
                columns: new[] { "commission_id", "unit_code" },
                unique: true,
                filter: "left_on IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_commission_member_commission_id_leader_id_position",
                table: "commission_member",
                columns: new[] { "commission_id", "leader_id", "position" },
                unique: true,
                filter: "ends_on IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_commission_member_unit_commission_id_unit_code1",
                table: "commission_member_unit");

            migrationBuilder.DropIndex(
                name: "ix_commission_member_commission_id_leader_id_position",
                table: "commission_member");

            migrationBuilder.CreateIndex(
                name: "ix_commission_member_commission_id",
                table: "commission_member",
                column: "commission_id");
        }
    }
}
