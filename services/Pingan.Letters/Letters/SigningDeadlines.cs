using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pingan.Persistence;
using Pingan.Letters.Api;
using Pingan.Letters.Contracts;
using Pingan.Letters.Persistence;
using Pingan.Messaging;
using Pingan.ServiceDefaults;
using Pingan.Time;

namespace Pingan.Letters.Letters;

public enum ReminderKind { BeforeDeadline, Overdue }

/// <summary>A stored reminder of a letter's signing deadline (never an in-memory timer): fired once by the sweep.</summary>
public sealed class SigningReminder
{
    public Guid Id { get; set; }
    public Guid LetterId { get; set; }
    public ReminderKind Kind { get; set; }
    public DateOnly DueOn { get; set; }
    public DateTimeOffset? FiredAt { get; set; }
    /// <summary>Sent, or Skipped when the letter was signed or replaced by then.</summary>
    public string? Outcome { get; set; }
}

/// <summary>
/// Letters are signed generally in the first quarter (Art. 13): the deadline is 31 March. A week before it the
/// unsigned letters get a reminder, the day after it an overdue one, then weekly until both sides have signed.
/// </summary>
public static class SigningDeadlines
{
    public static DateOnly Deadline(int year) => new(year, 3, 31);

    /// <summary>The reminders of a letter issued (or amended) on <paramref name="on"/>.</summary>
    public static IEnumerable<SigningReminder> For(Letter letter, DateOnly on, DateTimeOffset now)
    {
        var deadline = Deadline(letter.Year);
        var before = deadline.AddDays(-7);
        if (on < before) yield return Reminder(letter, ReminderKind.BeforeDeadline, before, now);
        // Issued or amended late, it still gets two weeks before it is called overdue.
        var overdue = on.AddDays(14) > deadline.AddDays(1) ? on.AddDays(14) : deadline.AddDays(1);
        yield return Reminder(letter, ReminderKind.Overdue, overdue, now);
    }

    private static SigningReminder Reminder(Letter letter, ReminderKind kind, DateOnly due, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), LetterId = letter.Id, Kind = kind, DueOn = due };
}

/// <summary>
/// Fires the due reminders: rows claimed with FOR UPDATE SKIP LOCKED, so replicas sweeping together fire each
/// once; the event leaves through the outbox in the same transaction that marks the row fired.
/// </summary>
public sealed class SigningReminderSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SigningReminderSweep> logger)
    : PeriodicSweep(clock, logger)
{
    protected override TimeSpan Every => TimeSpan.FromHours(1);

    protected override string What => "signing reminders";

    /// <summary>Fires every reminder due today or earlier; returns how many were sent.</summary>
    public override async Task<int> SweepAsync(CancellationToken ct)
    {
        var sent = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LettersDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            var today = Time.Today();
            var now = Time.GetUtcNow();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var due = await db.SigningReminders
                .FromSqlRaw("SELECT * FROM signing_reminders WHERE fired_at IS NULL AND due_on <= {0} ORDER BY due_on LIMIT 500 FOR UPDATE SKIP LOCKED", today)
                .ToListAsync(ct);
            if (due.Count == 0) return sent;
            var ids = due.Select(r => r.LetterId).Distinct().ToArray();
            var letters = await db.Letters.AsNoTracking().Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
            foreach (var reminder in due)
            {
                reminder.FiredAt = now;
                var letter = letters[reminder.LetterId];
                if (letter.Status != LetterStatus.Issued)
                {
                    reminder.Outcome = "Skipped";
                    continue;
                }
                reminder.Outcome = "Sent";
                sent++;
                outbox.Enqueue(new LetterSigningReminder(letter.Id, letter.Year, letter.IssuerCode, letter.ReceiverCode, reminder.Kind.ToString(),
                    SigningDeadlines.Deadline(letter.Year), reminder.DueOn));
                if (reminder.Kind == ReminderKind.Overdue)
                    db.SigningReminders.Add(new SigningReminder { Id = Guid.CreateVersion7(now), LetterId = letter.Id, Kind = ReminderKind.Overdue, DueOn = reminder.DueOn.AddDays(7) > today ? reminder.DueOn.AddDays(7) : today.AddDays(7) });
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
    }
}

/// <summary>The first-quarter picture of the cascade below a unit: one query over the year's letters.</summary>
public static class SigningProgressQuery
{
    private const string Sql = Coverage.CascadeCte +
        """
        latest AS (
            SELECT DISTINCT ON (l.issuer_code, l.receiver_code) l.*
            FROM letters l JOIN cascade c ON c.code = l.issuer_code
            WHERE l.year = $2
            ORDER BY l.issuer_code, l.receiver_code, l.version DESC
        )
        SELECT l.id, l.issuer_code, l.receiver_code, l.receiver_name, l.version,
               EXISTS (SELECT 1 FROM signatures s WHERE s.letter_id = l.id AND s.side = 'Issuer'),
               EXISTS (SELECT 1 FROM signatures s WHERE s.letter_id = l.id AND s.side = 'Receiver'),
               (SELECT count(*) FROM signing_reminders r WHERE r.letter_id = l.id AND r.outcome = 'Sent')
        FROM latest l
        ORDER BY l.issuer_code, l.receiver_code
        """;

    public static async Task<SigningProgress> ReadAsync(LettersDb db, string unitCode, int year, DateOnly today, CancellationToken ct)
    {
        var deadline = SigningDeadlines.Deadline(year);
        var progress = new SigningProgress { Year = year, Deadline = deadline.ToString("yyyy-MM-dd") };
        await db.ReadAsync(Sql, [unitCode, year], r =>
        {
            progress.Letters++;
            if (r.GetBoolean(5) && r.GetBoolean(6))
            {
                progress.Signed++;
                return;
            }
            var state = new LetterSigningState
            {
                LetterId = r.GetGuid(0).ToString(), IssuerCode = r.GetString(1), ReceiverCode = r.GetString(2), ReceiverName = r.GetString(3),
                Version = r.GetInt32(4), IssuerSigned = r.GetBoolean(5), ReceiverSigned = r.GetBoolean(6), Overdue = today > deadline,
                RemindersSent = (int)r.GetInt64(7),
            };
            if (state.Overdue) progress.Overdue++;
            progress.Unsigned.Add(state);
        }, ct);
        return progress;
    }
}
