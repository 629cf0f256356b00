using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Identity.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AccountTokensRevoked : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "disabled_reason",
                table: "accounts",
                type: "character varying(700)",
                maxLength: 700,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "tokens_revoked_at",
                table: "accounts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_accounts_tokens_revoked_at",
                table: "accounts",
                column: "tokens_revoked_at",
                filter: "tokens_revoked_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_accounts_tokens_revoked_at",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "disabled_reason",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "tokens_revoked_at",
                table: "accounts");
        }
    }
}
