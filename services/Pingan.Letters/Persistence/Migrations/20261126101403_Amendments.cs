using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Letters.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Amendments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "amendment_reason",
                table: "letters",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "amends_letter_id",
                table: "letters",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "letters",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "amendment_reason",
                table: "letters");

            migrationBuilder.DropColumn(
                name: "amends_letter_id",
                table: "letters");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "letters");
        }
    }
}
