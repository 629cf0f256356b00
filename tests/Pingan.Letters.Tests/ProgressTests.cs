using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Letters.Api;
using Pingan.Letters.Contracts;
using Pingan.Letters.Persistence;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Letters.Tests;

/// <summary>
/// During the year the receiver reports what it has achieved on each target, with evidence (Art. 13 "易于执行检查");
/// at year end the issuer's commission sets the letter's completion figure, which the assessment takes up (Art. 20).
/// The province's letter to Zhengzhou has target 1 (weight 60) and target 2 (weight 40).
/// </summary>
public sealed class ProgressTests : LettersTest
{
    private static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    [Fact]
    public async Task The_receiver_reports_with_evidence_and_the_issuer_sets_the_year_end_figure_Art13_Art20()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(TargetProgressReported), typeof(LetterCompleted));
        var letter = await IssueToZhengzhouAsync();
        var zhengzhou = ProgressOf(Zhengzhou);

        var ledger = await zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "矛盾纠纷排查台账.pdf", "application/pdf", Pdf));
        Assert.Equal(("application/pdf", Pdf.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Pdf))),
            (ledger.ContentType, (int)ledger.SizeBytes, ledger.Sha256));
        // Over REST the body is the file itself.
        using var rest = RestAs(Zhengzhou, PinganRoles.CommissionOffice);
        var photo = await rest.PostAsync($"/v1/letters/{letter}/targets/2/evidence?fileName=" + Uri.EscapeDataString("巡逻照片.png"),
            new ByteArrayContent(Png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } });
        Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        var photoId = System.Text.Json.JsonDocument.Parse(await photo.Content.ReadAsStringAsync()).RootElement.GetProperty("evidenceId").GetString()!;

        var report = await zhengzhou.ReportProgressAsync(new ReportProgressRequest
        {
            LetterId = letter, TargetCode = "1", AsOf = "2026-02-09", AchievedValue = "80.5", Note = "一月排查 1,204 起", EvidenceIds = { ledger.EvidenceId },
        });
        Assert.Equal(("80.5", "矛盾纠纷排查台账.pdf"), (report.AchievedValue, report.Evidence.Single().FileName));
        var reported = await tap.WaitForAsync<TargetProgressReported>(e => e.LetterId == Guid.Parse(letter));
        Assert.Equal(("1", 80.5m, 95m, 1), (reported.TargetCode, reported.AchievedValue, reported.TargetValue, reported.EvidenceCount));
        await zhengzhou.ReportProgressAsync(new ReportProgressRequest { LetterId = letter, TargetCode = "2", AsOf = "2026-02-10", AchievedValue = "40", EvidenceIds = { photoId } });

        // The issuer reads the reports, and downloads the evidence as it was uploaded.
        var progress = await ProgressOf(Province).GetLetterProgressAsync(new GetLetterProgressRequest { LetterId = letter });
        Assert.Equal(["80.5", "40"], progress.Targets.Select(t => t.Reports.Single().AchievedValue));
        using var provinceRest = RestAs(Province, PinganRoles.CommissionOffice);
        var download = await provinceRest.GetAsync($"/v1/evidence/{ledger.EvidenceId}");
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);

        // Art. 20: the figure is set at year end, not in February.
        var early = await Refused(() => ProgressOf(Province).CompleteLetterAsync(Complete(letter, ("1", "90"), ("2", "50"))).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Contains("from 2026-11-01", early.Status.Detail);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 15, 2, 0, 0, TimeSpan.Zero));
        var completion = await ProgressOf(Province).CompleteLetterAsync(Complete(letter, ("1", "90"), ("2", "50")));
        Assert.Equal(("74", false), (completion.Completion, completion.Signed)); // 60 × 90% + 40 × 50%, and the letter was never signed
        var completed = await tap.WaitForAsync<LetterCompleted>(e => e.LetterId == Guid.Parse(letter));
        Assert.Equal((74m, Zhengzhou, 1), (completed.Completion, completed.ReceiverCode, completed.Version));

        // The assessments service reads the figure per unit; the letter takes no more reports, amendments or figures.
        var received = await ProgressOf(Zhengzhou).ListCompletionsAsync(new ListCompletionsRequest { UnitCode = Zhengzhou, Year = 2026, Side = LetterSide.Received });
        Assert.Equal(["74"], received.Completions.Select(c => c.Completion));
        Assert.Equal(["1", "2"], received.Completions.Single().Results.Select(r => r.Code));
        Assert.Equal("COMPLETED", (await LettersOf(Zhengzhou).GetLetterAsync(new GetLetterRequest { LetterId = letter })).Status);
        await Refused(() => zhengzhou.ReportProgressAsync(new ReportProgressRequest
            { LetterId = letter, TargetCode = "1", AsOf = "2026-12-01", AchievedValue = "99", EvidenceIds = { ledger.EvidenceId } }).ResponseAsync, StatusCode.FailedPrecondition);
        await Refused(() => LettersOf(Province).AmendLetterAsync(new AmendLetterRequest
            { LetterId = letter, Reason = "调整", Changes = { new TargetChange { Code = "1", TargetValue = "90" } } }).ResponseAsync, StatusCode.FailedPrecondition);
        await Refused(() => ProgressOf(Province).CompleteLetterAsync(Complete(letter, ("1", "100"), ("2", "100"))).ResponseAsync, StatusCode.FailedPrecondition);
    }

    /// <summary>
    /// Issue 11: a download never runs in the platform's origin as something else. A PDF named ".html" (a polyglot)
    /// is refused at upload; a name with a right-to-left override comes back without it, ending in the type's own
    /// extension, with nosniff.
    /// </summary>
    [Fact]
    public async Task Evidence_downloads_are_nosniff_with_a_safe_name_and_a_polyglot_named_otherwise_is_refused_Issue11()
    {
        var letter = await IssueToZhengzhouAsync();
        var zhengzhou = ProgressOf(Zhengzhou);
        var polyglot = await Refused(() => zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "台账.html", "application/pdf", Pdf)).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["file_name"], Fields(polyglot));
        Assert.Contains("'.html'", polyglot.Status.Detail);
        Assert.Equal(0, await CountAsync(db => db.EvidenceFiles));

        // "台账<RLO>fdp.exe" would show as "台账exe.pdf"; it is stored as given, and served as a .pdf named plainly.
        var tricky = await zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "台账\u202Eexe.pdf", "application/pdf", Pdf));
        using var rest = RestAs(Zhengzhou, PinganRoles.CommissionOffice);
        var download = await rest.GetAsync($"/v1/evidence/{tricky.EvidenceId}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(["nosniff"], download.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal("台账exe.pdf", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Evidence_whose_bytes_are_not_its_declared_type_or_too_large_is_refused_and_nothing_is_stored()
    {
        var letter = await IssueToZhengzhouAsync();
        var zhengzhou = ProgressOf(Zhengzhou);

        var notPdf = await Refused(() => zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "台账.pdf", "application/pdf", "just text"u8.ToArray())).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["file.content_type"], Fields(notPdf));
        Assert.Contains("not a PDF file", notPdf.Status.Detail);
        var program = await Refused(() => zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "run.exe", "application/x-msdownload", "MZ\x90\0"u8.ToArray())).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Contains("is not accepted", program.Status.Detail);
        // An Office document is a ZIP package with its main part; any other ZIP is not one.
        var word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        await Refused(() => zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "总结.docx", word, Zip("notes.txt"))).ResponseAsync, StatusCode.InvalidArgument);
        var tooLarge = new byte[1024 * 1024 + 1];
        "%PDF-"u8.CopyTo(tooLarge);
        var large = await Refused(() => zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "大.pdf", "application/pdf", tooLarge)).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Contains("the limit is 1 MiB", large.Status.Detail);
        await Refused(() => zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "../../etc/passwd.pdf", "application/pdf", Pdf)).ResponseAsync, StatusCode.InvalidArgument);

        // Over REST the same mistake is a 400 with problem details naming the field.
        using var rest = RestAs(Zhengzhou, PinganRoles.CommissionOffice);
        var bad = await rest.PostAsync($"/v1/letters/{letter}/targets/1/evidence?fileName=a.png",
            new ByteArrayContent(Pdf) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not a PNG file", await bad.Content.ReadAsStringAsync());

        Assert.Equal(0, await CountAsync(db => db.EvidenceFiles));
        var docx = await zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "总结.docx", word, Zip("[Content_Types].xml", "word/document.xml")));
        Assert.Equal(word, docx.ContentType);
    }

    [Fact]
    public async Task Only_the_receiver_reports_citing_evidence_of_the_same_target_and_neither_issuer_nor_neighbour_may()
    {
        var letter = await IssueToZhengzhouAsync();
        var zhengzhou = ProgressOf(Zhengzhou);
        var forTarget2 = await zhengzhou.UploadEvidenceAsync(Upload(letter, "2", "照片.png", "image/png", Png));

        var wrongTarget = await Refused(() => zhengzhou.ReportProgressAsync(new ReportProgressRequest
            { LetterId = letter, TargetCode = "1", AsOf = "2026-02-01", AchievedValue = "50", EvidenceIds = { forTarget2.EvidenceId } }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["evidence_ids[0]"], Fields(wrongTarget));
        var noEvidence = await Refused(() => zhengzhou.ReportProgressAsync(new ReportProgressRequest
            { LetterId = letter, TargetCode = "2", AsOf = "2026-02-01", AchievedValue = "50" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["evidence_ids"], Fields(noEvidence));
        var future = await Refused(() => zhengzhou.ReportProgressAsync(new ReportProgressRequest
            { LetterId = letter, TargetCode = "2", AsOf = "2026-03-01", AchievedValue = "50", EvidenceIds = { forTarget2.EvidenceId } }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["as_of"], Fields(future));

        // The province will assess these figures: it does not file them for Zhengzhou. Kaifeng sees nothing of them.
        await Refused(() => ProgressOf(Province).ReportProgressAsync(new ReportProgressRequest
            { LetterId = letter, TargetCode = "2", AsOf = "2026-02-01", AchievedValue = "50", EvidenceIds = { forTarget2.EvidenceId } }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => ProgressOf(Kaifeng).GetEvidenceAsync(new GetEvidenceRequest { EvidenceId = forTarget2.EvidenceId }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => ProgressOf(Kaifeng).GetLetterProgressAsync(new GetLetterProgressRequest { LetterId = letter }).ResponseAsync, StatusCode.PermissionDenied);
        // Zhengzhou does not rate its own letter.
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        await Refused(() => ProgressOf(Zhengzhou).CompleteLetterAsync(Complete(letter, ("1", "100"), ("2", "100"))).ResponseAsync, StatusCode.PermissionDenied);
        var missing = await Refused(() => ProgressOf(Province).CompleteLetterAsync(Complete(letter, ("1", "100"))).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Contains("missing: 2", missing.Status.Detail);
        Assert.Equal(0, await CountAsync(db => db.ProgressEntries));
        Assert.Equal(0, await CountAsync(db => db.Completions));
    }

    [Fact]
    public async Task Reports_made_before_an_amendment_stay_with_the_letter_and_a_department_reports_on_its_own()
    {
        var template = await TemplatesOf(Province).CreateTemplateAsync(Draft(Province, ("1", "60", ""), ("2", "40", "")));
        var issued = await LettersOf(Province).IssueLettersAsync(new IssueLettersRequest { TemplateId = template.TemplateId, IncludeDepartments = true });
        var psbLetter = issued.Letters.Single(l => l.ReceiverCode == ProvincePsb).LetterId;
        // The provincial public security department's liaison: its account's unit is the department.
        var psb = new Api.Progress.ProgressClient(TestAuthority.As(Host.Channel, Authority.Token(Province, [PinganRoles.MemberUnitLiaison], "psb-liaison", unit: ProvincePsb)));
        var evidence = await psb.UploadEvidenceAsync(Upload(psbLetter, "1", "通报.pdf", "application/pdf", Pdf));
        await psb.ReportProgressAsync(new ReportProgressRequest { LetterId = psbLetter, TargetCode = "1", AsOf = "2026-02-01", AchievedValue = "70", EvidenceIds = { evidence.EvidenceId } });

        var amended = await LettersOf(Province).AmendLetterAsync(new AmendLetterRequest
            { LetterId = psbLetter, Reason = "目标值调整", Changes = { new TargetChange { Code = "1", TargetValue = "97" } } });
        await Refused(() => psb.ReportProgressAsync(new ReportProgressRequest
            { LetterId = psbLetter, TargetCode = "1", AsOf = "2026-02-05", AchievedValue = "75", EvidenceIds = { evidence.EvidenceId } }).ResponseAsync, StatusCode.FailedPrecondition);
        await psb.ReportProgressAsync(new ReportProgressRequest { LetterId = amended.LetterId, TargetCode = "1", AsOf = "2026-02-05", AchievedValue = "75", EvidenceIds = { evidence.EvidenceId } });

        var progress = await psb.GetLetterProgressAsync(new GetLetterProgressRequest { LetterId = amended.LetterId });
        var first = progress.Targets.Single(t => t.Code == "1");
        Assert.Equal("97", first.TargetValue);
        Assert.Equal(["70", "75"], first.Reports.Select(r => r.AchievedValue));
        Assert.Equal([1, 2], first.Reports.Select(r => r.Version));
    }


    /// <summary>
    /// Issue 12: Zhengzhou files a progress report while the province sets the year-end figure. Both calls are in
    /// flight together, the figure first: the report does not land on the completed letter, and nothing half-done
    /// remains; filed again it is refused the same way.
    /// </summary>
    [Fact]
    public async Task A_report_filed_while_the_year_end_figure_is_set_never_lands_on_the_completed_letter_Issue12()
    {
        var letter = await IssueToZhengzhouAsync();
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 15, 2, 0, 0, TimeSpan.Zero));
        var ledger = await ProgressOf(Zhengzhou).UploadEvidenceAsync(Upload(letter, "1", "台账.pdf", "application/pdf", Pdf));
        var report = new ReportProgressRequest { LetterId = letter, TargetCode = "1", AsOf = "2026-12-14", AchievedValue = "90", EvidenceIds = { ledger.EvidenceId } };
        Task<LetterCompletion> completing;
        Task<Api.ProgressReport> reporting;
        await using (await HoldLetterAsync(letter))
        {
            completing = ProgressOf(Province).CompleteLetterAsync(Complete(letter, ("1", "90"), ("2", "50"))).ResponseAsync;
            await WaitForWaitersAsync(1);
            reporting = ProgressOf(Zhengzhou).ReportProgressAsync(report).ResponseAsync;
            await WaitForWaitersAsync(2);
        }
        Assert.Equal("74", (await completing).Completion);
        var refused = await Refused(() => reporting, StatusCode.FailedPrecondition);
        Assert.Contains("year-end completion figure", refused.Status.Detail);
        Assert.Equal(0, await CountAsync(db => db.ProgressEntries));
        await Refused(() => ProgressOf(Zhengzhou).ReportProgressAsync(report).ResponseAsync, StatusCode.FailedPrecondition);
    }

    private Api.Progress.ProgressClient ProgressOf(string jurisdiction, string role = PinganRoles.CommissionOffice) => new(As(jurisdiction, role));

    private HttpClient RestAs(string jurisdiction, string role)
    {
        var client = new HttpClient { BaseAddress = Host.Rest.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Authority.Token(jurisdiction, [role]));
        return client;
    }

    private static UploadEvidenceRequest Upload(string letter, string target, string name, string contentType, byte[] data) => new()
    {
        LetterId = letter, TargetCode = target, FileName = name, File = new HttpBody { ContentType = contentType, Data = ByteString.CopyFrom(data) },
    };

    private static CompleteLetterRequest Complete(string letter, params (string Code, string Percent)[] results)
    {
        var request = new CompleteLetterRequest { LetterId = letter };
        request.Results.AddRange(results.Select(r => new TargetResult { Code = r.Code, CompletionPercent = r.Percent }));
        return request;
    }

    private static byte[] Zip(params string[] entries)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var entry in entries)
                using (var writer = new StreamWriter(zip.CreateEntry(entry).Open())) writer.Write("<x/>");
        return stream.ToArray();
    }

    /// <summary>
    /// Issue 12 (AIP-155, the request ledger): a township's system whose report timed out sends it again with the same
    /// request id and gets the first report back; two copies at once make one report; the same id with another figure
    /// is the caller's mistake, and another caller's same id is another request.
    /// </summary>
    [Fact]
    public async Task A_progress_report_sent_again_with_its_request_id_is_recorded_once_Issue12()
    {
        var letter = await IssueToZhengzhouAsync();
        var zhengzhou = ProgressOf(Zhengzhou);
        var evidence = await zhengzhou.UploadEvidenceAsync(Upload(letter, "1", "台账.pdf", "application/pdf", Pdf));
        ReportProgressRequest Report(string value) => new()
            { LetterId = letter, TargetCode = "1", AsOf = "2026-02-09", AchievedValue = value, EvidenceIds = { evidence.EvidenceId }, RequestId = "zz-progress-0209" };
        var together = await Task.WhenAll(zhengzhou.ReportProgressAsync(Report("80")).ResponseAsync, zhengzhou.ReportProgressAsync(Report("80")).ResponseAsync);
        Assert.Equal(together[0].ReportId, together[1].ReportId);
        Assert.Equal(together[0].ReportId, (await zhengzhou.ReportProgressAsync(Report("80"))).ReportId);
        var misuse = await Refused(() => zhengzhou.ReportProgressAsync(Report("81")).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["request_id"], Fields(misuse));
        Assert.Single((await zhengzhou.GetLetterProgressAsync(new GetLetterProgressRequest { LetterId = letter })).Targets.Single(t => t.Code == "1").Reports);
    }
}
