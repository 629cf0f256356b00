using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pingan.Letters.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SigningReminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "signing_reminders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    letter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    due_on = table.Column<DateOnly>(type: "date", nullable: false),
                    fired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_signing_reminders", x => x.id);
                    table.ForeignKey(
                        name: "fk_signing_reminders_letters_letter_id",
                        column: x => x.letter_id,
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_signing_reminders_due_on",
                table: "signing_reminders",
                column: "due_on",
                filter: "fired_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_signing_reminders_letter_id",
                table: "signing_reminders",
                column: "letter_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "signing_reminders");
        }
    }
}
