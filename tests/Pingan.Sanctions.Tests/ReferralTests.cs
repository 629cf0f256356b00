using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Pingan.Sanctions.Api;
using Pingan.Sanctions.Contracts;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Sanctions.Tests;

/// <summary>
/// Personnel measures and discipline are the departments' to take (Art. 32, 39): the platform refers the case to
/// their systems (a real HTTP server here), until acknowledged, and records what they decide.
/// </summary>
public sealed class ReferralTests : SanctionsTest
{
    [Fact]
    public async Task A_referral_reaches_the_discipline_department_once_though_its_first_answer_was_lost_Art32_Art39()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(ReferralAcknowledged));
        var opened = await OpenAgainstZhongyuanAsync(Api.Severity.Serious);
        await ImposeAsync(opened.CaseId, Stage.Admonishment, Zhengzhou, "2026-05-12", reasons: "危害严重");
        var referred = await CasesOf(Zhengzhou).ReferCaseAsync(new ReferCaseRequest
            { CaseId = opened.CaseId, Measure = Measure.PartyDiscipline, LeaderIds = { WangGang }, Grounds = "对群体性事件处置不力,负有领导责任" });
        Assert.Equal(("discipline", "PENDING", "王刚"), (referred.Referrals.Single().Department, referred.Referrals.Single().Status, referred.Referrals.Single().Leaders.Single()));

        // The department files the first delivery, but its answer never arrives.
        (await DepartmentsClient.PostAsync("/discipline/control/fail?count=1&mode=lose-answer", null)).EnsureSuccessStatusCode();
        Assert.Equal(0, await DispatchReferralsAsync());
        Assert.Equal(0, await DispatchReferralsAsync()); // the next try waits its turn
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await DispatchReferralsAsync());

        var department = await DepartmentsClient.GetFromJsonAsync<JsonElement>("/discipline/referrals");
        Assert.Equal(2, department.GetProperty("deliveries").GetInt32());
        var filed = department.GetProperty("filed").EnumerateArray().Single();
        Assert.Equal(referred.Referrals.Single().ReferralId, filed.GetProperty("idempotencyKey").GetString());
        Assert.Equal("中原区", filed.GetProperty("referral").GetProperty("subject").GetProperty("name").GetString());
        var acknowledged = (await CasesOf(Province).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).Referrals.Single();
        Assert.Equal(("ACKNOWLEDGED", filed.GetProperty("reference").GetString(), 2), (acknowledged.Status, acknowledged.Reference, acknowledged.Attempts));
        await tap.WaitForAsync<ReferralAcknowledged>(e => e.ReferralId == Guid.Parse(acknowledged.ReferralId));
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await DispatchReferralsAsync());

        // The discipline department's system reports its decision; the organisation department may not.
        var outcome = new RecordReferralOutcomeRequest { CaseId = opened.CaseId, ReferralId = acknowledged.ReferralId, Outcome = "给予党内警告处分", DecidedOn = "2026-05-12" };
        await Refused(() => CasesOf(Province, PinganRoles.OrganisationLiaison).RecordReferralOutcomeAsync(outcome).ResponseAsync, StatusCode.PermissionDenied);
        var decided = await CasesOf(Province, PinganRoles.DisciplineLiaison).RecordReferralOutcomeAsync(outcome);
        Assert.Equal(("DECIDED", "给予党内警告处分"), (decided.Referrals.Single().Status, decided.Referrals.Single().Outcome));
        var file = await CasesOf(Province).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId });
        Assert.Equal(["Referred", "ReferralAcknowledged", "ReferralDecided"], file.Steps.Select(s => s.Action).Where(a => a.StartsWith("Referr")));
    }

    [Fact]
    public async Task Personnel_measures_go_to_the_organisation_department_each_once_however_many_replicas_deliver()
    {
        var opened = await OpenAgainstZhongyuanAsync();
        Today("2026-05-20");
        await ImposeAsync(opened.CaseId, Stage.Notice, Zhengzhou, "2026-05-20");
        // A neighbour's office may not refer it; nor may a referral name nobody.
        await Refused(() => CasesOf(Kaifeng).ReferCaseAsync(new ReferCaseRequest
            { CaseId = opened.CaseId, Measure = Measure.Removal, LeaderIds = { WangGang }, Grounds = "失职" }).ResponseAsync, StatusCode.PermissionDenied);
        var nobody = await Refused(() => CasesOf(Zhengzhou).ReferCaseAsync(new ReferCaseRequest
            { CaseId = opened.CaseId, Measure = Measure.Removal, Grounds = "失职" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["leader_ids"], Fields(nobody));

        foreach (var measure in new[] { Measure.Resignation, Measure.OrderedResignation, Measure.Removal, Measure.Resignation, Measure.Removal })
            await CasesOf(Zhengzhou).ReferCaseAsync(new ReferCaseRequest { CaseId = opened.CaseId, Measure = measure, LeaderIds = { WangGang }, Grounds = "失职" });
        await using var replica = await StartSanctionsAsync();
        var delivered = await Task.WhenAll(DispatchReferralsAsync(), DispatchReferralsAsync(replica), DispatchReferralsAsync(), DispatchReferralsAsync(replica));

        Assert.Equal(5, delivered.Sum());
        var department = await DepartmentsClient.GetFromJsonAsync<JsonElement>("/organisation/referrals");
        Assert.Equal((5, 5), (department.GetProperty("deliveries").GetInt32(), department.GetProperty("filed").GetArrayLength()));
        var referrals = (await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).Referrals;
        Assert.All(referrals, r => Assert.Equal(("organisation", "ACKNOWLEDGED", 1), (r.Department, r.Status, r.Attempts)));
    }
}
