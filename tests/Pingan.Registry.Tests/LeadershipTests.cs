using Grpc.Core;
using Pingan.Registry.Api;

namespace Pingan.Registry.Tests;

public sealed class LeadershipTests : RegistryTest
{
    private const string PartyCommittee = "410100000000-PC";

    private Task<Term> AppointAsync(string name, LeadershipRole role, string startsOn, string portfolio = "", string unit = PartyCommittee) =>
        Leadership.AppointLeaderAsync(new AppointLeaderRequest
        { CorrectionReason = "补录历史任职记录",
            Name = name, UnitCode = unit, Role = role, Portfolio = portfolio, StartsOn = startsOn, Title = "市委书记",
            CadreAuthorityCode = unit == PartyCommittee ? "" : PartyCommittee,
        }).ResponseAsync;

    /// <summary>
    /// Issue 11: a term dated more than 30 days back (today is 2026-06-15) corrects the record. The commission
    /// office may not make it; the organisation department makes it with its reason, and the audit trail records
    /// it as a correction. A date within the window needs neither.
    /// </summary>
    [Fact]
    public async Task A_term_dated_more_than_30_days_back_is_a_correction_by_the_organisation_department_with_its_reason_Issue11()
    {
        await LoadSmallTreeAsync();
        var office = new Api.Leadership.LeadershipClient(As(Province, Pingan.Security.PinganRoles.CommissionOffice));
        AppointLeaderRequest Appoint(string startsOn, string reason) => new()
        {
            Name = "李建国", UnitCode = PartyCommittee, Role = LeadershipRole.Principal, StartsOn = startsOn, CorrectionReason = reason,
        };

        var denied = await Refused(() => office.AppointLeaderAsync(Appoint("2026-05-01", "补录")).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Contains("correct leader history", denied.Status.Detail);
        var unexplained = await Refused(() => Leadership.AppointLeaderAsync(Appoint("2026-05-01", " ")).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["correction_reason"], Fields(unexplained));
        Assert.Empty((await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = PartyCommittee })).Terms);

        var corrected = await Leadership.AppointLeaderAsync(Appoint("2026-05-01", "任职文件（郑发〔2026〕12号）晚到补录"));
        var audit = (await new Pingan.Audit.Api.AuditLog.AuditLogClient(Invoker).ListEntriesAsync(
            new Pingan.Audit.Api.ListEntriesRequest { Action = "/pingan.registry.v1.Leadership/AppointLeader", PageSize = 10 })).Entries.Single(e => e.Outcome == "SUCCEEDED");
        Assert.Contains("任职文件（郑发〔2026〕12号）晚到补录", audit.Detail);

        // Within the window it is an ordinary change, the office's to make.
        var ended = await office.EndTermAsync(new EndTermRequest { TermId = corrected.TermId, EndsOn = "2026-06-01", Reason = "调任" });
        Assert.Equal("2026-06-01", ended.EndsOn);
    }

    [Fact]
    public async Task A_second_principal_over_the_same_days_is_refused_naming_the_holder_Art9()
    {
        await LoadSmallTreeAsync();
        await AppointAsync("李建国", LeadershipRole.Principal, "2024-03-01");
        var error = await Refused(() => AppointAsync("王海燕", LeadershipRole.Principal, "2026-01-01"), StatusCode.InvalidArgument);
        Assert.Equal(["starts_on"], Fields(error));
        Assert.Contains("李建国", error.Status.Detail);
        var holders = await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = PartyCommittee, Role = LeadershipRole.Principal });
        Assert.Equal(["李建国"], holders.Terms.Select(t => t.LeaderName));
    }

    [Fact]
    public async Task One_in_charge_leader_per_portfolio_but_many_dual_duty_members_Art10_Art11()
    {
        await LoadSmallTreeAsync();
        await AppointAsync("张志强", LeadershipRole.InCharge, "2024-01-01", "政法");
        await AppointAsync("赵红梅", LeadershipRole.InCharge, "2024-01-01", "教育");
        await Refused(() => AppointAsync("孙明", LeadershipRole.InCharge, "2025-01-01", "政法"), StatusCode.InvalidArgument);
        await AppointAsync("周静", LeadershipRole.DualDuty, "2024-01-01", "宣传");
        await AppointAsync("吴军", LeadershipRole.DualDuty, "2024-01-01", "宣传");
        var error = await Refused(() => AppointAsync("郑丽", LeadershipRole.DualDuty, "2024-01-01"), StatusCode.InvalidArgument);
        Assert.Equal(["portfolio"], Fields(error));
        var team = await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = PartyCommittee });
        Assert.Equal(4, team.Terms.Count);
    }

    /// <summary>
    /// Reading 6 (Art. 10, 22, 34 "社会治安综合治理工作分管领导"): the registry records which in-charge term is the one for
    /// comprehensive management, one at a time per unit; a 政法 portfolio is it unless the source says otherwise, a 公安
    /// or 教育 one is not; and "the leader in charge" the other services ask for is that term only.
    /// </summary>
    [Fact]
    public async Task The_in_charge_term_for_comprehensive_management_is_recorded_one_at_a_time_and_asked_for_alone_Art10_Reading6()
    {
        await LoadSmallTreeAsync();
        var politicalLegal = await AppointAsync("张志强", LeadershipRole.InCharge, "2024-01-01", "政法");
        var education = await AppointAsync("赵红梅", LeadershipRole.InCharge, "2024-01-01", "教育");
        Assert.Equal((true, false), (politicalLegal.ComprehensiveManagement, education.ComprehensiveManagement));

        // A second one over the same days is refused, naming the holder; a member with dual duty is never it.
        AppointLeaderRequest Request(string name, LeadershipRole role, string portfolio) => new()
        {
            CorrectionReason = "补录历史任职记录", Name = name, UnitCode = PartyCommittee, Role = role, Portfolio = portfolio, StartsOn = "2025-01-01",
            ComprehensiveManagement = true,
        };
        var second = await Refused(() => Leadership.AppointLeaderAsync(Request("孙明", LeadershipRole.InCharge, "平安建设")).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["comprehensive_management"], Fields(second));
        Assert.Contains("张志强", second.Status.Detail);
        var dualDuty = await Refused(() => Leadership.AppointLeaderAsync(Request("周静", LeadershipRole.DualDuty, "宣传")).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["comprehensive_management"], Fields(dualDuty));

        // The organisation department says so explicitly: a 综治 portfolio that is not the one, in a unit whose one is 张志强.
        var notIt = await Leadership.AppointLeaderAsync(new AppointLeaderRequest
        {
            CorrectionReason = "补录历史任职记录", Name = "吴军", UnitCode = PartyCommittee, Role = LeadershipRole.InCharge, Portfolio = "综治", StartsOn = "2025-01-01",
            ComprehensiveManagement = false,
        });
        Assert.False(notIt.ComprehensiveManagement);

        var inCharge = await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = PartyCommittee, Role = LeadershipRole.InCharge, AsOf = "2025-06-01" });
        Assert.Equal(["吴军", "张志强", "赵红梅"], inCharge.Terms.Select(t => t.LeaderName).Order(StringComparer.Ordinal));
        var comprehensive = await Leadership.ListHoldersAsync(new ListHoldersRequest
            { UnitCode = PartyCommittee, Role = LeadershipRole.InCharge, AsOf = "2025-06-01", ComprehensiveManagementOnly = true });
        Assert.Equal("张志强", Assert.Single(comprehensive.Terms).LeaderName);

        // A role change hands the portfolio on: 赵红梅 takes 政法 once 张志强's term ends.
        await Leadership.EndTermAsync(new EndTermRequest { TermId = politicalLegal.TermId, EndsOn = "2025-12-31", Reason = "transferred", CorrectionReason = "补录历史任职记录" });
        var moved = await Leadership.ChangeRoleAsync(new ChangeRoleRequest
            { TermId = education.TermId, Role = LeadershipRole.InCharge, Portfolio = "政法", EffectiveOn = "2026-01-01", CorrectionReason = "补录历史任职记录" });
        Assert.True(moved.ComprehensiveManagement);
        var now = await Leadership.ListHoldersAsync(new ListHoldersRequest
            { UnitCode = PartyCommittee, Role = LeadershipRole.InCharge, AsOf = "2026-06-01", ComprehensiveManagementOnly = true });
        Assert.Equal("赵红梅", Assert.Single(now.Terms).LeaderName);
    }

    [Fact]
    public async Task Who_held_the_role_on_a_date_or_during_a_period_follows_the_handover_and_history_is_kept_Art35_Reading4()
    {
        await LoadSmallTreeAsync();
        var first = await AppointAsync("李建国", LeadershipRole.Principal, "2021-03-01");
        await Leadership.EndTermAsync(new EndTermRequest { CorrectionReason = "补录历史任职记录", TermId = first.TermId, EndsOn = "2025-06-30", Reason = "transferred" });
        var second = await AppointAsync("王海燕", LeadershipRole.Principal, "2025-07-01");

        async Task<string> Holder(string day) =>
            string.Join(",", (await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = PartyCommittee, Role = LeadershipRole.Principal, AsOf = day }))
                .Terms.Select(t => t.LeaderName));
        Assert.Equal("李建国", await Holder("2025-06-30"));
        Assert.Equal("王海燕", await Holder("2025-07-01"));
        Assert.Equal("", await Holder("2021-02-28"));

        var accountable = await Leadership.GetAccountabilityAsync(new GetAccountabilityRequest { LeaderId = first.LeaderId, AsOf = "2024-05-01" });
        Assert.Equal(PartyCommittee, Assert.Single(accountable.Terms).UnitCode);
        Assert.Empty((await Leadership.GetAccountabilityAsync(new GetAccountabilityRequest { LeaderId = first.LeaderId, AsOf = "2026-01-01" })).Terms);

        // Reading 4 (Art. 35 "挂牌督办期间"): over a period, everyone who held the role on any of its days, each with their dates.
        async Task<string> During(string from, string until) =>
            string.Join(",", (await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = PartyCommittee, Role = LeadershipRole.Principal, AsOf = from, Until = until }))
                .Terms.Select(t => $"{t.LeaderName} {t.StartsOn}..{t.EndsOn}"));
        Assert.Equal("李建国 2021-03-01..2025-06-30,王海燕 2025-07-01..", await During("2025-05-15", "2025-11-15"));
        Assert.Equal("王海燕 2025-07-01..", await During("2025-07-01", "2025-11-15"));
        var backwards = await Refused(() => Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = PartyCommittee, AsOf = "2025-07-01", Until = "2025-06-30" }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["until"], Fields(backwards));

        // A recorded end is not rewritten.
        var error = await Refused(() => Leadership.EndTermAsync(new EndTermRequest { CorrectionReason = "补录历史任职记录", TermId = first.TermId, EndsOn = "2025-12-31" }).ResponseAsync,
            StatusCode.FailedPrecondition);
        Assert.Contains("2025-06-30", error.Status.Detail);
        Assert.Equal("王海燕", (await Leadership.GetLeaderAsync(new GetLeaderRequest { LeaderId = second.LeaderId })).Name);
    }

    [Fact]
    public async Task A_role_change_ends_the_old_term_the_day_before_and_both_stay_on_the_record()
    {
        await LoadSmallTreeAsync();
        var term = await AppointAsync("张志强", LeadershipRole.DualDuty, "2023-01-01", "组织");
        var changed = await Leadership.ChangeRoleAsync(new ChangeRoleRequest
        { CorrectionReason = "补录历史任职记录",
            TermId = term.TermId, Role = LeadershipRole.InCharge, Portfolio = "政法", Title = "常委、政法委书记", EffectiveOn = "2026-02-01",
        });
        Assert.Equal("2026-02-01", changed.StartsOn);
        var leader = await Leadership.GetLeaderAsync(new GetLeaderRequest { LeaderId = term.LeaderId });
        Assert.Equal(2, leader.Terms.Count);
        Assert.Equal("2026-01-31", leader.Terms.Single(t => t.TermId == term.TermId).EndsOn);
        var onTheDay = await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = PartyCommittee, Role = LeadershipRole.InCharge, AsOf = "2026-02-01" });
        Assert.Equal("张志强", Assert.Single(onTheDay.Terms).LeaderName);
    }

    [Fact]
    public async Task A_term_in_an_unknown_or_dissolved_unit_or_under_a_non_party_cadre_authority_is_refused()
    {
        await LoadSmallTreeAsync();
        var error = await Refused(() => AppointAsync("李建国", LeadershipRole.Principal, "2024-01-01", unit: "410100000099-PC"), StatusCode.InvalidArgument);
        Assert.Contains("unit_code", Fields(error));
        error = await Refused(() => Leadership.AppointLeaderAsync(new AppointLeaderRequest
        { CorrectionReason = "补录历史任职记录",
            Name = "李建国", UnitCode = "410102000000-PC", Role = LeadershipRole.Principal, StartsOn = "2024-01-01", CadreAuthorityCode = "410100000000-GOV",
        }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["cadre_authority_code"], Fields(error));
        await Refused(() => Leadership.GetLeaderAsync(new GetLeaderRequest { LeaderId = Guid.NewGuid().ToString() }).ResponseAsync, StatusCode.NotFound);
        error = await Refused(() => Leadership.GetLeaderAsync(new GetLeaderRequest { LeaderId = "not-an-id" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["leader_id"], Fields(error));
    }
}
