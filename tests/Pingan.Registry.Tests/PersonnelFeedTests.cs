using Pingan.Registry.Api;
using Pingan.Registry.Contracts;
using Pingan.Testing;
using LeadershipRole = Pingan.Registry.Api.LeadershipRole;

namespace Pingan.Registry.Tests;

/// <summary>The organisation department's system sends appointments, removals and transfers as they happen.</summary>
public sealed class PersonnelFeedTests : RegistryTest
{
    private static PersonnelChange Appointment(string changeId, string appointment, string person, string name, string unit, LeadershipRole role, string starts, string portfolio = "") =>
        new()
        {
            ChangeId = changeId,
            Appointment = new TermRecord { AppointmentId = appointment, PersonId = person, PersonName = name, UnitCode = unit, Role = role, StartsOn = starts, Portfolio = portfolio },
        };

    private Task<ImportReport> SendAsync(bool dryRun, params PersonnelChange[] changes) =>
        Integration.SubmitPersonnelChangesAsync(new PersonnelChangesRequest { Source = "zzb-hn", DryRun = dryRun, Changes = { changes } }).ResponseAsync;

    private async Task<string> PrincipalOn(string unit, string day) =>
        string.Join(",", (await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = unit, Role = LeadershipRole.Principal, AsOf = day })).Terms.Select(t => t.LeaderName));

    [Fact]
    public async Task Appointments_removals_and_transfers_apply_once_however_often_they_are_sent()
    {
        await LoadSmallTreeAsync();
        PersonnelChange[] changes =
        [
            Appointment("c1", "A-1", "P-1", "李建国", "410102000000-PC", LeadershipRole.Principal, "2022-01-01"),
            Appointment("c2", "A-2", "P-2", "王海燕", "410100000000-GOV", LeadershipRole.Principal, "2023-01-01"),
            new() { ChangeId = "c3", Removal = new Removal { AppointmentId = "A-2", EndsOn = "2026-03-31", Reason = "免职" } },
            new()
            {
                ChangeId = "c4",
                Transfer = new Transfer
                {
                    FromAppointmentId = "A-1",
                    To = new TermRecord { AppointmentId = "A-3", PersonId = "P-1", UnitCode = "410100000000-GOV", Role = LeadershipRole.Principal, StartsOn = "2026-04-01" },
                },
            },
        ];
        var report = await SendAsync(false, changes);
        Assert.Equal(0, report.Failed);
        Assert.Equal("李建国", await PrincipalOn("410102000000-PC", "2026-03-31"));
        Assert.Equal("", await PrincipalOn("410102000000-PC", "2026-04-01"));
        Assert.Equal("王海燕", await PrincipalOn("410100000000-GOV", "2026-03-31"));
        Assert.Equal("李建国", await PrincipalOn("410100000000-GOV", "2026-04-01"));

        var replay = await SendAsync(false, changes);
        Assert.Equal(4, replay.AlreadyApplied);
        Assert.Equal(0, replay.Created + replay.Updated + replay.Failed);
        Assert.Equal("李建国", await PrincipalOn("410100000000-GOV", "2026-04-01"));
    }

    [Fact]
    public async Task A_bad_change_is_reported_alone_and_can_be_sent_again_once_fixed()
    {
        await LoadSmallTreeAsync();
        var report = await SendAsync(false,
            Appointment("c1", "A-1", "P-1", "李建国", "410102000000-PC", LeadershipRole.Principal, "2022-01-01"),
            Appointment("c2", "A-2", "P-2", "王海燕", "410102000000-PC", LeadershipRole.Principal, "2024-01-01"),
            new PersonnelChange { ChangeId = "c3", Removal = new Removal { AppointmentId = "A-404", EndsOn = "2026-01-01" } },
            Appointment("c4", "A-4", "P-4", "张志强", "410102000000-PC", LeadershipRole.InCharge, "2022-01-01", "政法"));
        Assert.Equal(2, report.Created);
        Assert.Equal([2, 3], report.Rows.Where(r => r.Outcome == RowOutcome.Failed).Select(r => r.Row).Distinct());
        Assert.Contains(report.Rows, r => r.Row == 3 && r.Field == "removal.appointment_id");

        // Fixed at the source (the predecessor leaves first), the refused change goes through under its id.
        var retry = await SendAsync(false,
            new PersonnelChange { ChangeId = "c5", Removal = new Removal { AppointmentId = "A-1", EndsOn = "2023-12-31" } },
            Appointment("c2", "A-2", "P-2", "王海燕", "410102000000-PC", LeadershipRole.Principal, "2024-01-01"));
        Assert.Equal(0, retry.Failed);
        Assert.Equal("王海燕", await PrincipalOn("410102000000-PC", "2024-01-01"));
    }

    [Fact]
    public async Task After_a_role_change_the_feed_still_reaches_the_appointment()
    {
        await LoadSmallTreeAsync();
        await SendAsync(false, Appointment("c1", "A-1", "P-1", "张志强", "410100000000-PC", LeadershipRole.DualDuty, "2023-01-01", "组织"));
        var term = (await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = "410100000000-PC" })).Terms.Single();
        await Leadership.ChangeRoleAsync(new ChangeRoleRequest { CorrectionReason = "补录历史任职记录", TermId = term.TermId, Role = LeadershipRole.InCharge, Portfolio = "政法", EffectiveOn = "2026-01-01" });

        var removal = await SendAsync(false, new PersonnelChange { ChangeId = "c2", Removal = new Removal { AppointmentId = "A-1", EndsOn = "2026-05-31" } });
        Assert.Equal(0, removal.Failed);
        var leader = await Leadership.GetLeaderAsync(new GetLeaderRequest { LeaderId = term.LeaderId });
        Assert.Equal(["2025-12-31", "2026-05-31"], leader.Terms.Select(t => t.EndsOn).Order());
    }

    [Fact]
    public async Task A_dry_run_of_the_feed_applies_and_remembers_nothing()
    {
        await LoadSmallTreeAsync();
        var change = Appointment("c1", "A-1", "P-1", "李建国", "410102000000-PC", LeadershipRole.Principal, "2022-01-01");
        var dry = await SendAsync(true, change);
        Assert.Equal((1, false), (dry.Created, dry.Applied));
        Assert.Equal("", await PrincipalOn("410102000000-PC", "2026-01-01"));
        var real = await SendAsync(false, change);
        Assert.Equal(1, real.Created);
    }

    [Fact]
    public async Task Appointments_and_departures_reach_other_services_as_events()
    {
        await LoadSmallTreeAsync();
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(LeaderAppointed), typeof(LeaderLeft), typeof(UnitRenamed));
        await SendAsync(false,
            Appointment("c1", "A-1", "P-1", "李建国", "410102000000-PC", LeadershipRole.Principal, "2022-01-01"),
            new PersonnelChange { ChangeId = "c2", Removal = new Removal { AppointmentId = "A-1", EndsOn = "2026-05-31", Reason = "退休" } });
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", Name = "中原新区", EffectiveOn = "2026-06-01" });

        var appointed = await tap.WaitForAsync<LeaderAppointed>(e => e.UnitCode == "410102000000-PC");
        Assert.Equal((Contracts.LeadershipRole.Principal, "李建国", new DateOnly(2022, 1, 1)), (appointed.Role, appointed.LeaderName, appointed.StartsOn));
        var left = await tap.WaitForAsync<LeaderLeft>(e => e.TermId == appointed.TermId);
        Assert.Equal(new DateOnly(2026, 5, 31), left.EndsOn);
        var renamed = await tap.WaitForAsync<UnitRenamed>(e => e.Code == "410102000000");
        Assert.Equal(("中原区", "中原新区"), (renamed.OldName, renamed.NewName));
    }
}
