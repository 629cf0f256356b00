using System.Text;
using Grpc.Core;
using Pingan.Archives.Api;
using Pingan.Sanctions.Contracts;
using Pingan.Security;
using Pingan.Signing;
using Pingan.Testing;

namespace Pingan.Archives.Tests;

/// <summary>
/// The Art. 23 consultation: the organisation and personnel departments of the level that manages a cadre ask about
/// them as of a day, and get the archive, the disqualifications in force that day (Art. 35 ¶4, 37) and the open cases,
/// signed by the platform and audited.
/// </summary>
public sealed class ConsultationTests : ArchivesTest
{
    private static readonly Guid Listing = Guid.Parse("0193a7e0-0000-7000-8000-000000000035");

    /// <summary>二七区 listed from 1 June 2026 (李明 named when it was decided), lifted on 31 October.</summary>
    private async Task ListErqiAsync(bool lifted)
    {
        await DeliverAsync("disqualification-started-feed", new DisqualificationStarted(Listing, Erqi, new DateOnly(2026, 6, 1), "Listed supervision (Art. 35)", [Guid.Parse(LiMing)]), 5);
        if (lifted) await DeliverAsync("disqualification-ended-feed", new DisqualificationEnded(Listing, Erqi, new DateOnly(2026, 10, 31)), 9);
    }

    private async Task<Consultation> AskAsync(string leader, string asOf) => await Consultations(Zhengzhou).ConsultAsync(Ask(leader, asOf));

    [Fact]
    public async Task A_listing_disqualifies_the_principal_in_office_and_the_one_appointed_during_it_not_the_one_who_left_before_Art23_Art35()
    {
        await ListErqiAsync(lifted: true);

        var during = await AskAsync(LiMing, "2026-06-15");
        Assert.True(during.Disqualified);
        Assert.Equal(("LISTED", Erqi, "2026-06-01", "2026-10-31"), (during.Disqualifications.Single().Reason, during.Disqualifications.Single().UnitCode,
            during.Disqualifications.Single().From, during.Disqualifications.Single().To));
        // 王芳, appointed during the listing, is covered for the rest of it.
        Assert.Equal(["LISTED"], (await AskAsync(WangFang, "2026-08-01")).Disqualifications.Select(d => d.Reason));
        // 李明, named when it was decided, stays covered after he left; 周强, who left long before, is not.
        Assert.Equal(["LISTED_RESPONSIBLE"], (await AskAsync(LiMing, "2026-08-01")).Disqualifications.Select(d => d.Reason));
        Assert.False((await AskAsync(ZhouQiang, "2026-08-01")).Disqualified);
        // The comprehensive-management deputy answers for it too; the propaganda deputy's consultation shows nothing against him.
        Assert.True((await AskAsync(ZhaoLei, "2026-08-01")).Disqualified);
        Assert.False((await AskAsync(QianJin, "2026-08-01")).Disqualified);
        // Lifted on 31 October: neither is disqualified after it.
        Assert.False((await AskAsync(WangFang, "2026-11-01")).Disqualified);
        Assert.False((await AskAsync(LiMing, "2026-11-01")).Disqualified);
        // The opinion printed for the file says so, under the platform's signature.
        var answer = await AskAsync(WangFang, "2026-08-01");
        var opinion = await Host.Rest.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/consultations/{answer.ConsultationId}/opinion")
        {
            Headers = { Authorization = new("Bearer", Authority.Token(Zhengzhou, [PinganRoles.OrganisationLiaison])) },
        });
        var html = await opinion.Content.ReadAsStringAsync();
        Assert.Contains("征求意见回复", html);
        Assert.Contains("第三十五条第四款", html);
        Assert.Contains(answer.Digest, html);
        Assert.Contains(answer.Signature, html);
    }

    [Fact]
    public async Task A_veto_in_the_year_and_the_open_cases_against_the_unit_stand_against_its_leaders_Art23_Art37()
    {
        var vetoed = Guid.NewGuid();
        await DeliverAsync("measure-decided-feed", new MeasureDecided(vetoed, Erqi, "Veto", Zhengzhou, new DateOnly(2026, 3, 2), null));
        var open = Guid.NewGuid();
        await DeliverAsync("case-opened-feed", new CaseOpened(open, Erqi, 4, "Incident", "Serious", new DateOnly(2026, 5, 10), new DateTimeOffset(2026, 5, 11, 2, 0, 0, TimeSpan.Zero)));
        await DeliverAsync("measure-decided-feed", new MeasureDecided(open, Erqi, "Notice", Zhengzhou, new DateOnly(2026, 5, 20), new DateOnly(2026, 7, 20)));

        var august = await AskAsync(WangFang, "2026-08-01");
        Assert.Equal(("VETOED", vetoed.ToString()), (august.Disqualifications.Single().Reason, august.Disqualifications.Single().CaseId));
        Assert.Equal((open.ToString(), "NOTICE", 4), (august.OpenCases.Single().CaseId, august.OpenCases.Single().Stage, august.OpenCases.Single().Clause));
        // 周强 did not answer for 二七区 in 2026; and a 2026 veto stands in 2026 only.
        Assert.False((await AskAsync(ZhouQiang, "2026-08-01")).Disqualified);
        Assert.Empty((await AskAsync(LiMing, "2025-12-31")).Disqualifications);
        // Closed on 1 September: no longer open after it, still open before it.
        await DeliverAsync("case-closed-feed", new CaseClosed(open, Erqi, "Notice", "Rectified", new DateTimeOffset(2026, 9, 1, 2, 0, 0, TimeSpan.Zero)));
        Assert.Empty((await AskAsync(WangFang, "2026-10-01")).OpenCases);
        Assert.Single((await AskAsync(WangFang, "2026-08-01")).OpenCases);
    }

    [Fact]
    public async Task The_answer_is_signed_with_a_published_key_and_a_changed_answer_fails_verification_Art23()
    {
        await ListErqiAsync(lifted: false);
        var answer = await Consultations(Zhengzhou, PinganRoles.PersonnelLiaison).ConsultAsync(Ask(WangFang, "2026-11-30", ConsultationPurpose.ComprehensiveAward));
        Assert.Equal((ConsultationPurpose.ComprehensiveAward, Zhengzhou, "王芳"), (answer.Purpose, answer.LevelCode, answer.Name));

        // The department verifies on its own, with the key the platform publishes.
        var keys = await Consultations(Zhengzhou).ListSigningKeysAsync(new ListSigningKeysRequest());
        var key = keys.Keys.Single(k => k.KeyId == answer.KeyId);
        Assert.True(key.Current);
        Assert.True(Sm2.Verify(key.PublicKey, Encoding.UTF8.GetBytes(answer.SignedBody), Convert.FromBase64String(answer.Signature)));
        Assert.Equal(answer.Digest, Sm2.Sm3Hex(Encoding.UTF8.GetBytes(answer.SignedBody)));
        // Every answer, not just a signer's first (the platform reuses its signers).
        for (var i = 0; i < 6; i++)
        {
            var more = await Consultations(Zhengzhou).ConsultAsync(Ask(i % 2 == 0 ? LiMing : ZhaoLei, $"2026-11-{20 + i}"));
            Assert.True(Sm2.Verify(key.PublicKey, Encoding.UTF8.GetBytes(more.SignedBody), Convert.FromBase64String(more.Signature)), $"answer {i} verifies");
        }
        // Or asks the platform: valid and recorded. An answer edited to read "not disqualified" is not.
        var verified = await Consultations(Zhengzhou).VerifyConsultationAsync(new VerifyConsultationRequest { SignedBody = answer.SignedBody, Signature = answer.Signature, KeyId = answer.KeyId });
        Assert.Equal((true, true, answer.ConsultationId), (verified.Valid, verified.Recorded, verified.ConsultationId));
        var edited = answer.SignedBody.Replace("\"disqualified\": true", "\"disqualified\": false", StringComparison.Ordinal);
        Assert.NotEqual(answer.SignedBody, edited);
        Assert.False((await Consultations(Zhengzhou).VerifyConsultationAsync(new VerifyConsultationRequest { SignedBody = edited, Signature = answer.Signature, KeyId = answer.KeyId })).Valid);

        // Read back later: the very body that was signed.
        var again = await Consultations(Zhengzhou).GetConsultationAsync(new GetConsultationRequest { ConsultationId = answer.ConsultationId });
        Assert.Equal((answer.SignedBody, answer.Signature), (again.SignedBody, again.Signature));
        Assert.Equal(answer.Disqualifications, again.Disqualifications);
        // Kaifeng's departments cannot read Zhengzhou's consultations.
        await Refused(() => Consultations(Kaifeng).GetConsultationAsync(new GetConsultationRequest { ConsultationId = answer.ConsultationId }).ResponseAsync, StatusCode.PermissionDenied);
        // Audited with its purpose.
        Assert.Equal(1, await Sql.ScalarAsync(Database.ConnectionString,
            "SELECT count(*) FROM audit_entries WHERE action LIKE '%/Consult' AND target = $1 AND outcome = 'SUCCEEDED' AND detail LIKE '%ComprehensiveAward%'", $"leader/{WangFang}"));
    }

    [Fact]
    public async Task A_consultation_without_a_purpose_outside_the_cadre_authority_in_the_future_or_without_the_role_is_refused_audited_and_discloses_nothing_Art23()
    {
        var noPurpose = await Refused(() => Consultations(Zhengzhou).ConsultAsync(new ConsultRequest(Ask(LiMing, "2026-11-30")) { Purpose = ConsultationPurpose.Unspecified }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["purpose"], Fields(noPurpose));
        var future = await Refused(() => Consultations(Zhengzhou).ConsultAsync(Ask(LiMing, "2026-12-02")).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["as_of"], Fields(future));
        // 李明 is Zhengzhou's cadre: the province's and Kaifeng's departments are refused, and an unknown leader gets the same answer.
        var province = await Refused(() => Consultations(Province).ConsultAsync(Ask(LiMing, "2026-11-30")).ResponseAsync, StatusCode.PermissionDenied);
        var unknown = Guid.NewGuid().ToString();
        var nobody = await Refused(() => Consultations(Zhengzhou).ConsultAsync(Ask(unknown, "2026-11-30")).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Equal(province.Status.Detail.Replace(LiMing, "X").Replace(Province, "L"), nobody.Status.Detail.Replace(unknown, "X").Replace(Zhengzhou, "L"));
        await Refused(() => Consultations(Kaifeng, PinganRoles.PersonnelLiaison).ConsultAsync(Ask(LiMing, "2026-11-30")).ResponseAsync, StatusCode.PermissionDenied);
        // The commission's own office does not consult itself; a system without a liaison role is refused.
        await Refused(() => Consultations(Zhengzhou, PinganRoles.CommissionOffice).ConsultAsync(Ask(LiMing, "2026-11-30")).ResponseAsync, StatusCode.PermissionDenied);

        // Nothing answered, every refusal in the audit trail under the leader asked about, with the purpose.
        Assert.Equal(0, await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM consultations"));
        Assert.Equal(5, await Sql.ScalarAsync(Database.ConnectionString,
            "SELECT count(*) FROM audit_entries WHERE action LIKE '%/Consult' AND target = $1 AND outcome <> 'SUCCEEDED' AND detail LIKE '%purpose%'", $"leader/{LiMing}"));
        Assert.Equal(1, await Sql.ScalarAsync(Database.ConnectionString,
            "SELECT count(*) FROM audit_entries WHERE action LIKE '%/Consult' AND target = $1 AND outcome = 'DENIED'", $"leader/{unknown}"));
    }
}
