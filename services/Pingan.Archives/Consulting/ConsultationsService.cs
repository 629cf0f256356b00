using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Archives.Api;
using Pingan.Archives.Keeping;
using Pingan.Archives.Persistence;
using Pingan.Audit;
using Pingan.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Signing;
using Pingan.Time;

namespace Pingan.Archives.Consulting;

/// <summary>The platform's own SM2 key for consultation answers (<c>Archives:ConsultationKey</c>, 32+ random bytes in base64).</summary>
public sealed class ConsultationSigner(Sm2PrivateKey key)
{
    public Sm2PrivateKey Key => key;

    /// <summary>Whether this process has committed the key's row in consultation_keys (set once, after a commit).</summary>
    public bool Recorded { get; set; }
}

/// <summary>Art. 23: the organisation and personnel departments consult the commission before 任职考察, 晋职晋级 or 综合性奖励.</summary>
public sealed class ConsultationsService(
    ArchivesDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, IAccountabilityChain chains, ArchiveBook book,
    ConsultationSigner signer, RequestLedger<ArchivesDb> ledger) : Api.Consultations.ConsultationsBase
{
    private static readonly JsonFormatter Canonical = new(JsonFormatter.Settings.Default);
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>Who reads an answer besides the department that asked: the offices and auditors of its level and above.</summary>
    private static readonly string[] Readers =
        [PinganRoles.OrganisationLiaison, PinganRoles.PersonnelLiaison, PinganRoles.CommissionOffice, PinganRoles.CommissionLeader, PinganRoles.Auditor];

    public override Task<Consultation> Consult(ConsultRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => ConsultAsync(request, context));

    private async Task<Consultation> ConsultAsync(ConsultRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Art. 23 "各级组织人事部门": their systems (or staff), under the liaison roles.
        guard.EnsureRole(PinganRoles.OrganisationLiaison, PinganRoles.PersonnelLiaison);
        var day = DateOnly.ParseExact(request.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var today = time.Today();
        if (day > today) throw new RequestValidationException("as_of", Say.T($"不得晚于今天（{today:yyyy-MM-dd}）：档案只答复已过去的日期", $"is after today ({today:yyyy-MM-dd}): the archive answers for days that have passed"));
        var leaderId = Guid.Parse(request.LeaderId);
        // A dozen reads and the record: on one connection held for the call, not one taken from the pool per read.
        await db.Database.OpenConnectionAsync(ct);

        // Reading 19: "同级" is the level of the party committee that manages the cadre (干部管理权限) in the posts held on
        // the day. A leader unknown here or managed by another level gets the same refusal: nothing is disclosed.
        var leader = await book.LeaderAsync(leaderId, ct);
        var levels = new List<string>();
        foreach (var authority in (leader?.PostsFor(day) ?? []).Select(p => p.CadreAuthority).OfType<string>().Distinct())
            if (await chains.ChainAsync(authority, ct) is [_, var level, ..]) levels.Add(level);
        if (leader is null || !levels.Contains(guard.Caller.Jurisdiction))
            throw JurisdictionGuard.Refused("consult an archive (Art. 23)",
                $"leader {leaderId} is not managed by the party committee of your level ({guard.Caller.Jurisdiction}) on {day:yyyy-MM-dd}; the departments of the managing level consult",
                "征求档案意见（第二十三条）",
                $"{day:yyyy-MM-dd} 领导干部 {leaderId} 不属于本级（{guard.Caller.Jurisdiction}）党委管理；应由其干部管理权限所在层级的组织人事部门征求意见");

        // The archive and the standing in one round trip.
        var reads = new RawReads();
        var built = book.ArchiveReads(reads, leader, day);
        var (disqualifications, open) = Standing.Reads(reads, leader, day);
        await reads.RunAsync(db, ct);
        var archive = built();
        var now = time.GetUtcNow();
        var answer = new Consultation
        {
            ConsultationId = Guid.CreateVersion7(now).ToString(), LeaderId = leader.Id.ToString(), Name = leader.Name, AsOf = request.AsOf, Purpose = request.Purpose,
            Reference = request.Reference.Trim(), LevelCode = guard.Caller.Jurisdiction, RequestedBy = guard.Caller.Subject,
            AnsweredAt = now.ToString("O", CultureInfo.InvariantCulture), Archive = archive, Disqualified = disqualifications.Count > 0,
        };
        answer.PostsOnDate.AddRange(leader.Posts.Where(p => p.Holds(day)).Select(ArchiveBook.ToApi));
        answer.Grades.AddRange(archive.Years.SelectMany(y => y.Grades));
        answer.Disqualifications.AddRange(disqualifications);
        answer.OpenCases.AddRange(open);

        // The platform signs what it answered, byte for byte as kept: the department can prove later what it was told.
        var body = Canonical.Format(answer);
        var bytes = Encoding.UTF8.GetBytes(body);
        // The signature (an SM2 scalar multiplication, the call's costliest step) is computed on another core while the
        // audit chain's tip is locked and written; the record carrying it is saved after.
        var signing = Task.Run(() => Convert.ToBase64String(signer.Key.Sign(bytes)), ct);
        var record = new ConsultationRecord
        {
            Id = Guid.Parse(answer.ConsultationId), LeaderId = leader.Id, AsOf = day, Purpose = request.Purpose.ToString(), Reference = answer.Reference,
            LevelCode = answer.LevelCode, RequestedBy = answer.RequestedBy, AnsweredAt = now, SignedBody = body, Digest = Sm2.Sm3Hex(bytes),
            Signature = "", KeyId = signer.Key.KeyId,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The key is published from its first use on (a rotated-out key stays listed): recorded once per process.
        if (!signer.Recorded)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO consultation_keys (key_id, public_key, first_used_at) VALUES ({signer.Key.KeyId}, {signer.Key.PublicKey}, {now}) ON CONFLICT DO NOTHING
                """, ct);
        }
        await audit.RecordAsync(new AuditRecord(context.Method, $"leader/{leader.Id}", Detail: JsonSerializer.Serialize(new
        {
            consultation = record.Id, asOf = request.AsOf, purpose = request.Purpose.ToString(), reference = record.Reference, level = record.LevelCode, disqualified = answer.Disqualified,
            disqualifications = disqualifications.Select(d => $"{d.Reason} {d.UnitCode} {d.CaseId}"), openCases = open.Count, digest = record.Digest, article = "Art. 23",
        })), ct);
        record.Signature = await signing;
        db.Consultations.Add(record);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        signer.Recorded = true;
        // The message the body was formatted from, with the signature: what a read of the record parses back.
        return WithSignature(answer, record);
    }

    public override async Task<Consultation> GetConsultation(GetConsultationRequest request, ServerCallContext context) =>
        Signed(await ReadAsync(request, context.CancellationToken));

    public override async Task<Google.Api.HttpBody> GetConsultationOpinion(GetConsultationRequest request, ServerCallContext context)
    {
        var record = await ReadAsync(request, context.CancellationToken);
        var html = ConsultationOpinion.Html(Signed(record), await book.UnitNameAsync(record.LevelCode, context.CancellationToken), ChinaTime.DateOf(record.AnsweredAt));
        return context.Attachment("text/html; charset=utf-8", Encoding.UTF8.GetBytes(html), $"consultation-opinion-{record.AsOf:yyyyMMdd}-{record.Id}", ".html");
    }

    private async Task<ConsultationRecord> ReadAsync(GetConsultationRequest request, CancellationToken ct)
    {
        guard.EnsureRole(Readers);
        var id = Guid.Parse(request.ConsultationId);
        var record = await db.Consultations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new NotFoundException(Say.T($"征求意见记录 {id} 不存在", $"no consultation {id}"));
        // The asking level's record: read there and above, never sideways or below.
        await guard.ReadBusinessRecordAsync(record.LevelCode, ct);
        return record;
    }

    public override async Task<SigningKeyList> ListSigningKeys(ListSigningKeysRequest request, ServerCallContext context)
    {
        guard.EnsureRole();
        var keys = await db.ConsultationKeys.AsNoTracking().OrderBy(k => k.FirstUsedAt).ToListAsync(context.CancellationToken);
        var list = new SigningKeyList();
        list.Keys.AddRange(keys.Select(k => new SigningKey
        {
            KeyId = k.KeyId, PublicKey = k.PublicKey, FirstUsedAt = k.FirstUsedAt.ToString("O", CultureInfo.InvariantCulture), Current = k.KeyId == signer.Key.KeyId,
        }));
        // Published before it is first used: a department can fetch it ahead of the first answer.
        if (keys.All(k => k.KeyId != signer.Key.KeyId))
            list.Keys.Add(new SigningKey { KeyId = signer.Key.KeyId, PublicKey = signer.Key.PublicKey, Current = true });
        return list;
    }

    public override async Task<Verification> VerifyConsultation(VerifyConsultationRequest request, ServerCallContext context)
    {
        guard.EnsureRole();
        var ct = context.CancellationToken;
        var key = request.KeyId == signer.Key.KeyId ? signer.Key.PublicKey
            : (await db.ConsultationKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyId == request.KeyId, ct))?.PublicKey;
        if (key is null) return new Verification { Reason = $"the platform has never signed with a key {request.KeyId}" };
        var bytes = Encoding.UTF8.GetBytes(request.SignedBody);
        if (!Sm2.Verify(key, bytes, Convert.FromBase64String(request.Signature)))
            return new Verification { Reason = "the signature does not match the body under that key: the body was changed, or it was not signed by the platform" };
        var verification = new Verification { Valid = true };
        try
        {
            var id = Guid.Parse(Parser.Parse<Consultation>(request.SignedBody).ConsultationId);
            var digest = Sm2.Sm3Hex(bytes);
            verification.ConsultationId = id.ToString();
            verification.Recorded = await db.Consultations.AsNoTracking().AnyAsync(c => c.Id == id && c.Digest == digest, ct);
            verification.Reason = verification.Recorded ? "signed by the platform and recorded as answered" : "signed by the platform, but not recorded here";
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or FormatException or InvalidJsonException)
        {
            verification.Reason = "signed by the platform, but the body is not a consultation answer";
        }
        return verification;
    }

    /// <summary>The answer as kept, with its signature: what was signed is exactly what comes back.</summary>
    private static Consultation Signed(ConsultationRecord record) => WithSignature(Parser.Parse<Consultation>(record.SignedBody), record);

    private static Consultation WithSignature(Consultation answer, ConsultationRecord record)
    {
        answer.SignedBody = record.SignedBody;
        answer.Digest = record.Digest;
        answer.Signature = record.Signature;
        answer.KeyId = record.KeyId;
        return answer;
    }

    public static string PurposeText(ConsultationPurpose purpose) => purpose switch
    {
        ConsultationPurpose.AppointmentReview => "任职考察",
        ConsultationPurpose.Promotion => "晋职晋级",
        ConsultationPurpose.ComprehensiveAward => "综合性奖励",
        _ => purpose.ToString(),
    };
}
