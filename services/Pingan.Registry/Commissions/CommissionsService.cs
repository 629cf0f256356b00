using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Registry.Access;
using Pingan.Registry.Api;
using Pingan.Registry.Contracts;
using Pingan.Registry.Leadership;
using Pingan.Registry.Persistence;
using Pingan.Registry.Units;
using Pingan.ServiceDefaults;
using Pingan.Time;
using UnitKind = Pingan.Registry.Contracts.UnitKind;

namespace Pingan.Registry.Commissions;

public sealed class CommissionsService(RegistryDb db, TimeProvider time, CommissionQueries queries, IAuditTrail audit, RegistryAccess access,
    RequestLedger<RegistryDb> ledger, Pingan.Security.IAccountabilityChain chains)
    : Api.Commissions.CommissionsBase
{
    /// <summary>Establishes the commission of a jurisdiction; one already there is succeeded from that day (a reform).</summary>
    public override async Task<Api.Commission> EstablishCommission(EstablishCommissionRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var on = Dates.ParseOr(request.EstablishedOn, time.Today());
        await access.WriteAsync(RegistryAccess.StructureWriters, ct, request.JurisdictionCode);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var jurisdiction = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == request.JurisdictionCode, ct)
            ?? throw new NotFoundException(Say.T($"单位 {request.JurisdictionCode} 不存在。", $"No unit {request.JurisdictionCode}."));
        if (!jurisdiction.Kind.IsJurisdiction() || jurisdiction.Kind == UnitKind.StatisticalGrouping)
            throw new RequestValidationException("jurisdiction_code", Say.T($"{jurisdiction.Code}（{jurisdiction.Name}）不是设有委员会的行政区域", $"{jurisdiction.Code} ({jurisdiction.Name}) is not a jurisdiction with a commission"));
        if (jurisdiction.IsDissolvedOn(on))
            throw new RequestValidationException("jurisdiction_code", Say.T($"{jurisdiction.Code} 已于 {Dates.Write(jurisdiction.DissolvedOn)} 撤销", $"{jurisdiction.Code} was dissolved on {Dates.Write(jurisdiction.DissolvedOn)}"));
        if (request.OfficeUnitCode.Length > 0)
        {
            var office = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == request.OfficeUnitCode, ct);
            if (office is null || office.AnswersToCode != jurisdiction.Code || !office.Kind.IsOrgan())
                throw new RequestValidationException("office_unit_code", Say.T($"{request.OfficeUnitCode} 不是 {jurisdiction.Code} 的所属机构", $"{request.OfficeUnitCode} is not an organ of {jurisdiction.Code}"));
        }
        var current = await db.Commissions.FirstOrDefaultAsync(c => c.JurisdictionCode == jurisdiction.Code && c.DissolvedOn == null, ct);
        if (current is not null)
        {
            if (on <= current.EstablishedOn)
                throw new RequestValidationException("established_on", Say.T($"必须晚于 {current.Name} 的成立日期（{Dates.Write(current.EstablishedOn)}）", $"must be after {Dates.Write(current.EstablishedOn)}, when {current.Name} was established"));
            current.DissolvedOn = on;
            await db.SaveChangesAsync(ct);
        }
        var commission = new Commission
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            JurisdictionCode = jurisdiction.Code,
            Name = request.Name.Trim(),
            OfficeUnitCode = request.OfficeUnitCode.Length > 0 ? request.OfficeUnitCode : null,
            EstablishedOn = on,
        };
        db.Commissions.Add(commission);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"commission/{jurisdiction.Code}",
            Detail: AuditDetail.Of(new { commission.Name, establishedOn = Dates.Write(on), succeeds = current?.Name })), ct);
        await tx.CommitAsync(ct);
        return await queries.ToApiAsync(commission, on, ct);
    }

    public override async Task<Api.Commission> GetCommission(GetCommissionRequest request, ServerCallContext context)
    {
        await access.ReadAsync(request.JurisdictionCode, context.CancellationToken);
        var day = Dates.ParseOr(request.AsOf, time.Today());
        var commission = await queries.OfJurisdictionAsync(request.JurisdictionCode, day, context.CancellationToken);
        return await queries.ToApiAsync(commission, day, context.CancellationToken);
    }

    public override async Task<CommissionPage> ListCommissions(ListCommissionsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // What lies below a unit: a county lists its own and its townships' commissions, never its city's or a sibling's.
        await access.ReadBelowAsync(request.WithinCode, ct);
        var day = Dates.ParseOr(request.AsOf, time.Today());
        var size = request.PageSize == 0 ? 500 : request.PageSize;
        var after = request.PageToken;
        var page = new CommissionPage();
        var within = new List<Commission>();
        while (within.Count < size)
        {
            // In code order, a batch at a time; each kept when it stood on the day and its jurisdiction answers to the unit.
            var batch = await db.Commissions.AsNoTracking().Include(c => c.MemberUnits).Include(c => c.Members).AsSplitQuery()
                .Where(c => after == "" || string.Compare(c.JurisdictionCode, after) > 0)
                .OrderBy(c => c.JurisdictionCode).ThenBy(c => c.EstablishedOn).Take(size).ToListAsync(ct);
            foreach (var c in batch)
            {
                after = c.JurisdictionCode;
                if (c.ExistsOn(day) && (await chains.ChainAsync(c.JurisdictionCode, ct))?.Contains(request.WithinCode) == true) within.Add(c);
                if (within.Count == size) break;
            }
            // The last batch read to its end: nothing follows.
            if (batch.Count < size && (batch.Count == 0 || after == batch[^1].JurisdictionCode)) { after = ""; break; }
        }
        foreach (var c in await queries.ToApiAsync(within, day, ct))
        {
            c.JurisdictionChain.AddRange((await chains.ChainAsync(c.JurisdictionCode, ct))!);
            page.Commissions.Add(c);
        }
        page.NextPageToken = after;
        return page;
    }

    public override async Task<Api.Commission> AddMemberUnit(MemberUnitRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var on = Dates.ParseOr(request.EffectiveOn, time.Today());
        await access.WriteAsync(RegistryAccess.StructureWriters, ct, request.JurisdictionCode);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var commission = await CurrentAsync(request.JurisdictionCode, ct);
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == request.UnitCode, ct);
        if (unit is null || !unit.Kind.IsOrgan())
            throw new RequestValidationException("unit_code", Say.T($"{request.UnitCode} 不是已登记的机构或单位", $"{request.UnitCode} is not a registered organ or unit"));
        // Member units are the departments of the commission's own level.
        if (unit.AnswersToCode != commission.JurisdictionCode)
            throw new RequestValidationException("unit_code", Say.T($"{unit.Code}（{unit.Name}）不是 {commission.JurisdictionCode} 的所属机构", $"{unit.Code} ({unit.Name}) is not an organ of {commission.JurisdictionCode}"));
        if (on < commission.EstablishedOn)
            throw new RequestValidationException("effective_on", Say.T($"不得早于 {commission.Name} 的成立日期（{Dates.Write(commission.EstablishedOn)}）", $"must not be before {Dates.Write(commission.EstablishedOn)}, when {commission.Name} was established"));
        if (unit.IsDissolvedOn(on))
            throw new RequestValidationException("unit_code", Say.T($"{unit.Code}（{unit.Name}）已于 {Dates.Write(unit.DissolvedOn)} 撤销", $"{unit.Code} ({unit.Name}) was dissolved on {Dates.Write(unit.DissolvedOn)}"));
        if (commission.MemberUnits.Any(m => m.UnitCode == unit.Code && (m.LeftOn is null || m.LeftOn > on)))
            throw new AlreadyExistsException(Say.T($"{unit.Name} 已是 {commission.Name} 的成员单位。", $"{unit.Name} sits on {commission.Name} already."));
        commission.MemberUnits.Add(new CommissionMemberUnit { UnitCode = unit.Code, JoinedOn = on });
        await SaveAsync(tx, context, commission, new { memberUnit = unit.Code, joinedOn = Dates.Write(on) });
        return await queries.ToApiAsync(commission, on, ct);
    }

    public override async Task<Api.Commission> RemoveMemberUnit(MemberUnitRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var on = Dates.ParseOr(request.EffectiveOn, time.Today());
        await access.WriteAsync(RegistryAccess.StructureWriters, ct, request.JurisdictionCode);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var commission = await CurrentAsync(request.JurisdictionCode, ct);
        var membership = commission.MemberUnits.FirstOrDefault(m => m.UnitCode == request.UnitCode && m.LeftOn is null)
            ?? throw new NotFoundException(Say.T($"{request.UnitCode} 不是 {commission.Name} 的成员单位。", $"{request.UnitCode} does not sit on {commission.Name}."));
        if (on <= membership.JoinedOn)
            throw new RequestValidationException("effective_on", Say.T($"必须晚于加入日期（{Dates.Write(membership.JoinedOn)}）", $"must be after {Dates.Write(membership.JoinedOn)}, when it joined"));
        membership.LeftOn = on;
        await SaveAsync(tx, context, commission, new { memberUnit = membership.UnitCode, leftOn = Dates.Write(on) });
        return await queries.ToApiAsync(commission, on, ct);
    }

    public override Task<Api.Commission> AppointCommissionMember(CommissionMemberRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => AppointCommissionMemberAsync(request, context));

    private async Task<Api.Commission> AppointCommissionMemberAsync(CommissionMemberRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var starts = Dates.ParseOr(request.StartsOn, time.Today());
        var ends = Dates.ParseOptional(request.EndsOn);
        await access.WriteAsync(RegistryAccess.StructureWriters, ct, request.JurisdictionCode);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var commission = await CurrentAsync(request.JurisdictionCode, ct);
        var leaderId = TermQueries.ParseId(request.LeaderId, "leader_id");
        if (!await db.Leaders.AnyAsync(l => l.Id == leaderId, ct))
            throw new RequestValidationException("leader_id", Say.T($"领导 {request.LeaderId} 不存在", $"no leader {request.LeaderId}"));
        if (ends is { } e && e < starts) throw new RequestValidationException("ends_on", Say.T("不得早于 starts_on", "must not be before starts_on"));
        if (ends is null && commission.Members.Any(m => m.LeaderId == leaderId && m.Position == request.Position.Trim() && m.EndsOn is null))
            throw new AlreadyExistsException(Say.T($"领导 {request.LeaderId} 已在 {commission.Name} 担任“{request.Position.Trim()}”。",
                $"Leader {request.LeaderId} holds the seat '{request.Position.Trim()}' on {commission.Name} already."));
        if (request.MemberUnitCode.Length > 0 && !commission.MemberUnits.Any(m => m.UnitCode == request.MemberUnitCode && m.SitsOn(starts)))
            throw new RequestValidationException("member_unit_code", Say.T($"{request.MemberUnitCode} 在 {Dates.Write(starts)} 不是 {commission.Name} 的成员单位", $"{request.MemberUnitCode} does not sit on {commission.Name} on {Dates.Write(starts)}"));
        commission.Members.Add(new CommissionMember
        {
            LeaderId = leaderId,
            Position = request.Position.Trim(),
            MemberUnitCode = request.MemberUnitCode.Length > 0 ? request.MemberUnitCode : null,
            StartsOn = starts,
            EndsOn = ends,
        });
        await SaveAsync(tx, context, commission, new { leader = leaderId, request.Position, startsOn = Dates.Write(starts) });
        return await queries.ToApiAsync(commission, starts, ct);
    }

    private async Task SaveAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, ServerCallContext context, Commission commission, object detail)
    {
        await db.SaveChangesAsync(context.CancellationToken);
        await audit.RecordAsync(new AuditRecord(context.Method, $"commission/{commission.JurisdictionCode}", Detail: AuditDetail.Of(detail)), context.CancellationToken);
        await tx.CommitAsync(context.CancellationToken);
    }

    private async Task<Commission> CurrentAsync(string jurisdictionCode, CancellationToken ct) =>
        await db.Commissions.Include(c => c.MemberUnits).Include(c => c.Members)
            .FirstOrDefaultAsync(c => c.JurisdictionCode == jurisdictionCode && c.DissolvedOn == null, ct)
        ?? throw new NotFoundException(Say.T($"{jurisdictionCode} 没有已登记的委员会。", $"No commission is recorded for {jurisdictionCode}."));
}

/// <summary>Which commission a unit answers to, and a commission as it stood on a day.</summary>
public sealed class CommissionQueries(RegistryDb db)
{
    /// <summary>
    /// The commission of the unit's own level (an organ's is its jurisdiction's), or the one a level up: for a
    /// county the city's, for a province-direct county or Jiyuan the province's (Art. 34-35 "上一级"; 省直管县 by the province's administrative arrangement).
    /// </summary>
    public async Task<Api.Commission> ForUnitAsync(string code, CommissionRelation relation, DateOnly day, CancellationToken ct)
    {
        var revision = await AsOfAsync(code, day, ct)
            ?? throw new NotFoundException(Say.T($"单位 {code} 在 {Dates.Write(day)} 不存在。", $"Unit {code} did not exist on {Dates.Write(day)}."));
        var jurisdiction = revision.Kind.IsJurisdiction() ? revision.Code : revision.AnswersToCode;
        if (revision.Kind == UnitKind.StatisticalGrouping || jurisdiction is null)
            throw new DomainRuleException(Say.T($"{code}（{revision.Name}）是统计分组，不归属任何委员会。",
                $"{code} ({revision.Name}) is a statistical grouping and answers to no commission."));
        if (relation == CommissionRelation.OneLevelUp)
        {
            var own = await AsOfAsync(jurisdiction, day, ct);
            jurisdiction = own?.AnswersToCode
                ?? throw new NotFoundException(Say.T($"{own?.Name ?? jurisdiction} 已是本系统的最高层级，没有上一级委员会。",
                    $"{own?.Name ?? jurisdiction} is the top of this system; there is no commission above it."));
        }
        var commission = await OfJurisdictionAsync(jurisdiction, day, ct);
        return await ToApiAsync(commission, day, ct);
    }

    public async Task<Commission> OfJurisdictionAsync(string jurisdictionCode, DateOnly day, CancellationToken ct)
    {
        var all = await db.Commissions.AsNoTracking().Include(c => c.MemberUnits).Include(c => c.Members)
            .Where(c => c.JurisdictionCode == jurisdictionCode).ToListAsync(ct);
        return all.FirstOrDefault(c => c.ExistsOn(day))
            ?? throw new NotFoundException(Say.T($"{jurisdictionCode} 在 {Dates.Write(day)} 没有已登记的委员会。",
                $"No commission of {jurisdictionCode} is recorded for {Dates.Write(day)}."));
    }

    public async Task<Api.Commission> ToApiAsync(Commission c, DateOnly day, CancellationToken ct) => (await ToApiAsync([c], day, ct))[0];

    /// <summary>Several commissions as they stood on a day, their member units' and members' names read in one query each.</summary>
    public async Task<List<Api.Commission>> ToApiAsync(IReadOnlyList<Commission> commissions, DateOnly day, CancellationToken ct)
    {
        var codes = commissions.SelectMany(c => c.MemberUnits.Where(m => m.SitsOn(day)).Select(m => m.UnitCode)).Distinct().ToArray();
        var unitNames = codes.Length == 0 ? [] : await db.Units.AsNoTracking().Where(u => codes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, u => u.Name, ct);
        var leaderNames = await TermQueries.LeaderNamesAsync(db, commissions.SelectMany(c => c.Members.Where(m => m.ServesOn(day)).Select(m => m.LeaderId)), ct);
        return [.. commissions.Select(c => ToApi(c, day, unitNames, leaderNames))];
    }

    private static Api.Commission ToApi(Commission c, DateOnly day, Dictionary<string, string> unitNames, Dictionary<Guid, string> leaderNames)
    {
        var units = c.MemberUnits.Where(m => m.SitsOn(day)).ToList();
        var members = c.Members.Where(m => m.ServesOn(day)).ToList();
        var api = new Api.Commission
        {
            CommissionId = c.Id.ToString(),
            JurisdictionCode = c.JurisdictionCode,
            Name = c.Name,
            OfficeUnitCode = c.OfficeUnitCode ?? "",
            EstablishedOn = Dates.Write(c.EstablishedOn),
        };
        api.MemberUnits.AddRange(units.OrderBy(m => m.Id).Select(m => new MemberUnit
        {
            UnitCode = m.UnitCode,
            UnitName = unitNames.GetValueOrDefault(m.UnitCode, ""),
            JoinedOn = Dates.Write(m.JoinedOn),
            LeftOn = Dates.Write(m.LeftOn),
        }));
        api.Members.AddRange(members.OrderBy(m => m.Id).Select(m => new Api.CommissionMember
        {
            LeaderId = m.LeaderId.ToString(),
            LeaderName = leaderNames.GetValueOrDefault(m.LeaderId, ""),
            Position = m.Position,
            MemberUnitCode = m.MemberUnitCode ?? "",
            StartsOn = Dates.Write(m.StartsOn),
            EndsOn = Dates.Write(m.EndsOn),
        }));
        return api;
    }

    private Task<Units.UnitRevision?> AsOfAsync(string code, DateOnly day, CancellationToken ct) => db.RevisionOnAsync(code, day, ct);
}
