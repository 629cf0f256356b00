using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Sanctions.Api;
using Pingan.Sanctions.Contracts;
using Pingan.Sanctions.Persistence;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Sanctions.Tests;

/// <summary>
/// Kill the service at any point of an escalation, run two replicas at once: no deadline lost or fired twice, no
/// event lost or sent twice. On the real database and broker, with replicas as separate hosts on one database.
/// </summary>
public sealed class ReliabilityTests : SanctionsTest
{
    private const int Cases = 24;

    /// <summary>
    /// Issue 12 (AIP-155): an office whose OpenCase timed out sends it again with the same request id and gets the
    /// case the first request opened; sent at once, the two still open one case; the id reused for another subject
    /// is the caller's mistake.
    /// </summary>
    [Fact]
    public async Task Opening_a_case_again_with_its_request_id_returns_the_first_case_and_opens_no_other_Issue12()
    {
        OpenCaseRequest Request(string subject) => new()
        {
            SubjectCode = subject, Clause = 4, Source = Source.Incident, Severity = Api.Severity.Ordinary, IncidentOn = "2026-05-10",
            Summary = "中原区短期内连续发生两起群体性事件", RequestId = "zz-2026-0510-001",
        };
        var together = await Task.WhenAll(CasesOf(Zhengzhou).OpenCaseAsync(Request(Zhongyuan)).ResponseAsync, CasesOf(Zhengzhou).OpenCaseAsync(Request(Zhongyuan)).ResponseAsync);
        Assert.Equal(together[0].CaseId, together[1].CaseId);
        var retry = await CasesOf(Zhengzhou).OpenCaseAsync(Request(Zhongyuan));
        Assert.Equal(together[0].CaseId, retry.CaseId);
        var misuse = await Refused(() => CasesOf(Zhengzhou).OpenCaseAsync(Request(Linshanzhai)).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["request_id"], Fields(misuse));
        await using var scope = Host.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<SanctionsDb>().Cases.CountAsync());
    }

    [Fact]
    public async Task Two_replicas_sweeping_together_fire_each_deadline_once()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(EscalationProposed));
        var ids = await NoticesAsync();
        await using var replica = await StartSanctionsAsync(("Sanctions:Sweep:BatchSize", "4"));
        // Every notice's reminder (13 July), end (20 July) and the grace it opens (to 3 August, reading 7) are due.
        Today("2026-08-04");

        var fired = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => i % 2 == 0 ? SweepAsync() : SweepAsync(replica)));

        Assert.Equal(3 * Cases, fired.Sum());
        await WaitForAsync(() => tap.Received<EscalationProposed>().Count >= Cases);
        await Task.Delay(500); // a duplicate would arrive in this time
        Assert.Equal(ids.Order(), tap.Received<EscalationProposed>().Select(e => e.CaseId).Order());
        Assert.Equal(Cases, await CountAsync(db => db.Steps.Where(s => s.Action == "EscalationProposed")));
    }

    [Fact]
    public async Task A_sweep_killed_midway_leaves_each_deadline_fired_once_or_still_due_and_the_restart_fires_the_rest()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(EscalationProposed));
        var ids = await NoticesAsync();
        var doomed = await StartSanctionsAsync(("Sanctions:Sweep:BatchSize", "2"), ("Messaging:Outbox:DispatcherEnabled", "false"));
        Today("2026-08-04"); // reminders, ends and the graces the ends open

        // Killed as soon as its first batch has committed: whatever it was doing then is rolled back.
        using var kill = new CancellationTokenSource();
        var sweeping = doomed.Services.GetRequiredService<Pingan.Sanctions.Cases.DeadlineSweep>().SweepAsync(kill.Token);
        await WaitForAsync(async () => await CountAsync(db => db.Deadlines.Where(d => d.FiredAt != null)) > 0);
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sweeping);
        await doomed.DisposeAsync();
        var firedBeforeRestart = await CountAsync(db => db.Deadlines.Where(d => d.FiredAt != null));
        Assert.InRange(firedBeforeRestart, 1, 3 * Cases - 1);

        // The survivor fires what is left, and publishes what the dead one committed but never sent.
        Assert.Equal(3 * Cases - firedBeforeRestart, await SweepAsync());
        await WaitForAsync(() => tap.Received<EscalationProposed>().Count >= Cases);
        await Task.Delay(500);
        Assert.Equal(ids.Order(), tap.Received<EscalationProposed>().Select(e => e.CaseId).Order());
        Assert.Equal(0, await CountAsync(db => db.Deadlines.Where(d => d.FiredAt == null && d.CancelledAt == null && d.FiresOn <= new DateOnly(2026, 8, 4))));
    }

    [Fact]
    public async Task A_replica_killed_between_an_approval_and_its_events_loses_no_event_and_sends_none_twice()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(MeasureDecided));
        var opened = await OpenAgainstZhongyuanAsync();
        // This replica commits the approval with its events in the outbox, then dies before it dispatches anything.
        var doomed = await StartSanctionsAsync(("Messaging:Outbox:DispatcherEnabled", "false"));
        Today("2026-05-20");
        await CasesOf(Zhengzhou, host: doomed).ProposeMeasureAsync(new ProposeMeasureRequest { CaseId = opened.CaseId, Stage = Stage.Notice, Verification = "核实" });
        var approved = await CasesOf(Zhengzhou, PinganRoles.CommissionLeader, doomed).DecideProposalAsync(
            new DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-05-20" });
        await doomed.DisposeAsync();

        Assert.Equal("ACTIVE", (await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).Status);
        var decided = await tap.WaitForAsync<MeasureDecided>(e => e.CaseId == Guid.Parse(opened.CaseId));
        Assert.Equal(new DateOnly(2026, 7, 20), decided.RectificationEndsOn);
        await Task.Delay(500);
        Assert.Single(tap.Received<MeasureDecided>(), e => e.CaseId == Guid.Parse(approved.CaseId));
    }

    /// <summary>Notices against 中原区 approved on 20 May 2026, each with a reminder on 13 July and its end on 20 July.</summary>
    /// <summary>
    /// Issue 12, gather then lock: a listing decision reads the registry (who is disqualified, who the decision goes to)
    /// before it locks the case, so it holds no lock over remote calls. The proof: the decision queues behind a held
    /// lock, the registry goes down, the lock is let go, and the decision still goes through.
    /// </summary>
    [Fact]
    public async Task A_listing_decision_reads_the_registry_before_it_locks_the_case_Issue12()
    {
        var opened = await OpenAgainstZhongyuanAsync(Api.Severity.EspeciallySerious);
        await CasesOf(Zhengzhou).RecordJointMeetingAsync(new RecordJointMeetingRequest
        {
            CaseId = opened.CaseId, HeldOn = "2026-05-12", ProposesListing = true, Minutes = "建议挂牌督办",
            Attendees = { Enum.GetValues<Department>().Skip(1).Select(d => new Attendee { Department = d, Name = "代表", UnitCode = d == Department.Commission ? "" : Zhengzhou + "-PSB" }) },
        });
        var file = await CasesOf(Zhengzhou).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId });
        var meetingId = System.Text.Json.JsonDocument.Parse(file.Steps.Last().Detail).RootElement.GetProperty("meeting").GetString()!;
        await CasesOf(Zhengzhou).ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = opened.CaseId, Stage = Stage.Listing, Verification = "调查组核实", DirectEntryReasons = "特别严重", JointMeetingId = meetingId });

        Task<Case> deciding;
        await using (await HoldCaseAsync(opened.CaseId))
        {
            deciding = CasesOf(Zhengzhou, PinganRoles.CommissionLeader).DecideProposalAsync(new DecideProposalRequest
                { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-05-12" }).ResponseAsync;
            await Database.WaitForLockWaitersAsync(1);
            await Registry.DisposeAsync(); // the registry is down from here on
        }
        var listed = await deciding;
        Assert.Equal(("ACTIVE", Stage.Listing), (listed.Status, listed.Stage));
        Assert.Contains(listed.Distribution, r => r.Role == "LOWER_COMMISSION" && r.UnitName == "中原区");
    }

    private async Task<List<Guid>> NoticesAsync()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < Cases; i++) ids.Add(Guid.Parse((await OpenAgainstZhongyuanAsync()).CaseId));
        Today("2026-05-20");
        foreach (var id in ids) await ImposeAsync(id.ToString(), Stage.Notice, Zhengzhou, "2026-05-20");
        return ids;
    }

    private async Task<int> CountAsync<T>(Func<SanctionsDb, IQueryable<T>> rows)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await rows(scope.ServiceProvider.GetRequiredService<SanctionsDb>()).CountAsync();
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("The condition did not come true within 20 s.");
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Issue 12 (AIP-155, the request ledger): the subject's progress report sent twice at once, and again, with one
    /// request id is filed once; the id with another text is the caller's mistake.
    /// </summary>
    [Fact]
    public async Task A_report_sent_again_with_its_request_id_is_filed_once_Issue12()
    {
        var opened = await OpenAgainstZhongyuanAsync();
        await ImposeAsync(opened.CaseId, Stage.Notice, Zhengzhou, "2026-05-12");
        SubmitReportRequest Report(string text) => new() { CaseId = opened.CaseId, Kind = ReportKind.Progress, Text = text, RequestId = "zy-progress-1" };
        var together = await Task.WhenAll(CasesOf(Zhongyuan).SubmitReportAsync(Report("五月整改进展")).ResponseAsync,
            CasesOf(Zhongyuan).SubmitReportAsync(Report("五月整改进展")).ResponseAsync);
        Assert.Equal(together[0].ToString(), together[1].ToString());
        await CasesOf(Zhongyuan).SubmitReportAsync(Report("五月整改进展"));
        var misuse = await Refused(() => CasesOf(Zhongyuan).SubmitReportAsync(Report("六月整改进展")).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["request_id"], Fields(misuse));
        var file = await CasesOf(Zhengzhou).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId });
        Assert.Single(file.Steps, s => s.Action == "ReportedProgress");
    }
}
