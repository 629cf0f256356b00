using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Sanctions.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FollowUpLeaderAndProvisional : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "follow_up_leader_id",
                table: "cases",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "follow_up_leader_name",
                table: "cases",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_case_deadlines_provisional",
                table: "case_deadlines",
                column: "basis_on",
                filter: "provisional AND fired_at IS NULL AND cancelled_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_case_deadlines_provisional",
                table: "case_deadlines");

            migrationBuilder.DropColumn(
                name: "follow_up_leader_id",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "follow_up_leader_name",
                table: "cases");
        }
    }
}
