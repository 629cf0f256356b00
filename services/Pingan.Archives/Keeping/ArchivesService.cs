using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Archives.Api;
using Pingan.Archives.Persistence;
using Pingan.Audit;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;

namespace Pingan.Archives.Keeping;

/// <summary>Art. 22: the archives each level's commission and its office keep, and the yearly grade its office sets.</summary>
public sealed class ArchivesService(ArchivesDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, ArchiveBook book, RequestLedger<ArchivesDb> ledger)
    : Api.Archives.ArchivesBase
{
    /// <summary>"各级综治委及其办公室": the office, the commission's leader, and the auditors.</summary>
    private static readonly string[] Keepers = [PinganRoles.CommissionOffice, PinganRoles.CommissionLeader, PinganRoles.Auditor];

    public override async Task<Archive> GetArchive(GetArchiveRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole(Keepers);
        var leader = await KeptLeaderAsync(Guid.Parse(request.LeaderId), ct);
        // Kept by a level within the caller's jurisdiction: the keeper and the levels above it read it, nobody sideways or below.
        var keepers = leader.Posts.Where(p => p.Archived).Select(p => p.Keeper).Distinct().ToList();
        foreach (var keeper in keepers)
            if (await guard.IsWithinAsync(keeper, ct)) return await book.ArchiveAsync(leader, time.Today(), ct);
        throw JurisdictionGuard.Refused("read business records",
            $"the archive of {leader.Name} is kept by {string.Join(", ", keepers)}, none of which is within your jurisdiction ({guard.Caller.Jurisdiction})",
            $"{leader.Name} 的档案由 {string.Join("、", keepers)} 保管，均不在您的管辖范围（{guard.Caller.Jurisdiction}）内");
    }

    public override async Task<ArchiveList> ListArchives(ListArchivesRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole(Keepers);
        var keeper = request.KeeperCode.Length > 0 ? request.KeeperCode : guard.Caller.Jurisdiction;
        await guard.ReadBelowAsync(keeper, ct);
        var size = request.PageSize is > 0 and <= 200 ? request.PageSize : 50;
        var after = request.PageToken.Length > 0 ? Guid.Parse(request.PageToken) : Guid.Empty;
        var ids = await book.KeptByAsync(keeper, request.NameContains.Trim(), after, size + 1, ct);
        var leaders = await book.LeadersAsync([.. ids.Take(size)], ct);
        var today = time.Today();
        var grades = await db.Grades.AsNoTracking().Where(g => ids.Contains(g.LeaderId) && g.KeeperCode == keeper).ToListAsync(ct);
        var list = new ArchiveList { NextPageToken = ids.Count > size ? ids[size - 1].ToString() : "" };
        foreach (var id in ids.Take(size))
        {
            var leader = leaders[id];
            var summary = new ArchiveSummary { LeaderId = id.ToString(), Name = leader.Name };
            summary.CurrentPosts.AddRange(leader.Posts.Where(p => p.Keeper == keeper && p.Holds(today)).Select(ArchiveBook.ToApi));
            if (grades.Where(g => g.LeaderId == id).MaxBy(g => g.Year) is { } latest) summary.LatestGrade = ToApi(latest);
            list.Archives.Add(summary);
        }
        return list;
    }

    public override Task<YearlyGrade> SetYearlyGrade(SetYearlyGradeRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => GradeAsync(request, context));

    private async Task<YearlyGrade> GradeAsync(SetYearlyGradeRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Art. 22 "按优秀、合格、不合格确定档次": the office of the keeping level itself grades, not a level above it.
        guard.EnsureRole(PinganRoles.CommissionOffice);
        if (guard.Caller.Jurisdiction != request.KeeperCode)
            throw JurisdictionGuard.Refused("grade an archive (Art. 22)", $"the office of {request.KeeperCode} grades the archives it keeps; you act for {guard.Caller.Jurisdiction}",
                $"{request.KeeperCode} 保管的档案由其综治办评定档次；您代表的是 {guard.Caller.Jurisdiction}");
        var leader = await KeptLeaderAsync(Guid.Parse(request.LeaderId), ct);
        var today = time.Today();
        if (request.Year > today.Year) throw new RequestValidationException("year", Say.T($"不得晚于本年度（{today.Year}）", $"is after this year ({today.Year})"));
        var (from, to) = (new DateOnly(request.Year, 1, 1), new DateOnly(request.Year, 12, 31));
        if (!leader.Posts.Any(p => p.Keeper == request.KeeperCode && p.Overlaps(from, to)))
            throw new DomainRuleException(Say.T($"{leader.Name} 在 {request.Year} 年度未担任由 {request.KeeperCode} 建立档案的职务（第二十二条）：该年度的档次由当时为其建立档案的层级评定。",
                $"{leader.Name} held no post in {request.Year} whose archive {request.KeeperCode} keeps (Art. 22): that year is graded by the level that kept it."));

        var now = time.GetUtcNow();
        var grade = new YearlyGradeRecord
        {
            LeaderId = leader.Id, Year = request.Year, KeeperCode = request.KeeperCode, Grade = request.Grade.ToString(), Reasons = request.Reasons.Trim(),
            SetBy = guard.Caller.Subject, SetAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Two offices' staff grading at once: each write is whole, the later one stands, and the audit trail keeps both.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO yearly_grades (leader_id, year, keeper_code, grade, reasons, set_by, set_at)
            VALUES ({grade.LeaderId}, {grade.Year}, {grade.KeeperCode}, {grade.Grade}, {grade.Reasons}, {grade.SetBy}, {grade.SetAt})
            ON CONFLICT (leader_id, year, keeper_code) DO UPDATE SET grade = excluded.grade, reasons = excluded.reasons, set_by = excluded.set_by, set_at = excluded.set_at
            """, ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"leader/{leader.Id}", Detail: JsonSerializer.Serialize(new
            { year = grade.Year, keeper = grade.KeeperCode, grade = grade.Grade, reasons = grade.Reasons, article = "Art. 22" })), ct);
        await tx.CommitAsync(ct);
        return ToApi(grade);
    }

    /// <summary>The leader with an archive here (an archived post somewhere), or NotFound.</summary>
    private async Task<Leader> KeptLeaderAsync(Guid id, CancellationToken ct) =>
        await book.LeaderAsync(id, ct) is { } leader && leader.Posts.Any(p => p.Archived)
            ? leader
            : throw new NotFoundException(Say.T($"领导干部 {id} 没有档案：组织机构库中其未担任任何由综治委建立档案的职务（第二十二条）",
                $"no archive for leader {id}: the registry shows them in no post a commission keeps an archive for (Art. 22)"));

    private static YearlyGrade ToApi(YearlyGradeRecord g) => new()
    {
        LeaderId = g.LeaderId.ToString(), Year = g.Year, KeeperCode = g.KeeperCode, Grade = Enum.Parse<ArchiveGrade>(g.Grade), Reasons = g.Reasons, SetBy = g.SetBy,
        SetAt = g.SetAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };
}
