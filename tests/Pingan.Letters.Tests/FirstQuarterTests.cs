using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Letters.Api;
using Pingan.Letters.Contracts;
using Pingan.Letters.Letters;
using Pingan.Letters.Persistence;
using Pingan.Testing;

namespace Pingan.Letters.Tests;

/// <summary>Letters are signed generally in the first quarter (Art. 13): reminders before 31 March and after, from stored rows.</summary>
public sealed class FirstQuarterTests : LettersTest
{
    [Fact]
    public async Task Unsigned_letters_are_reminded_a_week_before_31_March_and_weekly_after_it_each_reminder_once_Art13()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(LetterSigningReminder));
        var template = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Draft(Zhengzhou, ("1", "100", "")));
        await LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest { TemplateId = template.TemplateId });
        var sweep = Host.Services.GetRequiredService<SigningReminderSweep>();

        Clock.SetUtcNow(new DateTimeOffset(2026, 3, 24, 1, 0, 0, TimeSpan.Zero)); // 24 March in China
        await sweep.SweepAsync(CancellationToken.None);
        await sweep.SweepAsync(CancellationToken.None); // a second sweep, or a second replica, fires nothing again
        await tap.WaitForAsync<LetterSigningReminder>(e => e.ReceiverCode == Erqi && e.Kind == "BeforeDeadline");
        await tap.WaitForAsync<LetterSigningReminder>(e => e.ReceiverCode == Zhongyuan && e.Kind == "BeforeDeadline");

        var before = await LettersOf(Zhengzhou).GetSigningProgressAsync(new GetSigningProgressRequest { UnitCode = Zhengzhou, Year = 2026 });
        Assert.Equal(("2026-03-31", 2, 0, 0), (before.Deadline, before.Letters, before.Signed, before.Overdue));
        Assert.All(before.Unsigned, u => Assert.Equal(1, u.RemindersSent));

        Clock.SetUtcNow(new DateTimeOffset(2026, 4, 8, 1, 0, 0, TimeSpan.Zero)); // 8 April: overdue since 1 April, and a week on
        await sweep.SweepAsync(CancellationToken.None);
        var after = await LettersOf(Zhengzhou).GetSigningProgressAsync(new GetSigningProgressRequest { UnitCode = Zhengzhou, Year = 2026 });
        Assert.Equal((2, 2), (after.Overdue, after.Unsigned.Count));
        await using var scope = Host.Services.CreateAsyncScope();
        var reminders = await scope.ServiceProvider.GetRequiredService<LettersDb>().SigningReminders.AsNoTracking().ToListAsync();
        Assert.Equal(2, reminders.Count(r => r.Kind == ReminderKind.BeforeDeadline && r.Outcome == "Sent"));
        Assert.Equal(2, reminders.Count(r => r.Kind == ReminderKind.Overdue && r.Outcome == "Sent"));
        // The next one of each waits a week.
        Assert.Equal(2, reminders.Count(r => r.FiredAt == null && r.DueOn == new DateOnly(2026, 4, 15)));

        // A neighbour's office sees nothing of Zhengzhou's cascade.
        var error = await Assert.ThrowsAsync<RpcException>(() => LettersOf(Kaifeng).GetSigningProgressAsync(new GetSigningProgressRequest { UnitCode = Zhengzhou, Year = 2026 }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
