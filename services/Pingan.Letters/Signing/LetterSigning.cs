using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Letters.Api;
using Pingan.Letters.Contracts;
using Pingan.Letters.Persistence;
using Pingan.Letters.Signing;
using Pingan.Signing;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Letters.Letters;

// Signing: both sides' principal leaders sign the canonical form with their own SM2 keys (Art. 13 "签订").
public sealed partial class LettersService
{
    public override async Task<Api.CanonicalForm> GetCanonicalForm(GetCanonicalFormRequest request, ServerCallContext context)
    {
        var letter = await ReadableLetterAsync(request.LetterId, context.CancellationToken);
        var data = CanonicalForm.Of(letter);
        return new Api.CanonicalForm { Data = Google.Protobuf.ByteString.CopyFrom(data), Sm3Hex = Sm2.Sm3Hex(data) };
    }

    public override async Task<Api.Letter> SignLetter(SignLetterRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole(PinganRoles.CommissionOffice, PinganRoles.CommissionLeader);
        var id = Guid.Parse(request.LetterId);
        // Who signs for which unit never changes on a letter: read it, and ask the registry, before taking the lock.
        var issued = await db.Letters.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct)
            ?? throw new NotFoundException(Say.T($"责任书 {request.LetterId} 不存在。", $"No letter {request.LetterId}."));
        var side = request.Side == Side.Issuer ? SignatureSide.Issuer : SignatureSide.Receiver;
        var unit = side == SignatureSide.Issuer ? issued.IssuerCode : issued.ReceiverCode;
        // Each side's own office (or its leader) submits that side's signature, and only for that side's own
        // principal (checked below against the registry): nobody signs for a leader of another level (issue 11).
        guard.ActAsUnit(unit);
        var signedOn = DateOnly.ParseExact(request.SignedOn, "yyyy-MM-dd");
        if (signedOn > time.Today()) throw new RequestValidationException("signed_on", Say.T("不得晚于今天", "is in the future"));
        if (signedOn < ChinaTime.DateOf(issued.IssuedAt)) throw new RequestValidationException("signed_on", Say.T($"不得早于责任书下达日期（{ChinaTime.DateOf(issued.IssuedAt):yyyy-MM-dd}）", $"is before the letter was issued ({ChinaTime.DateOf(issued.IssuedAt):yyyy-MM-dd})"));
        var principals = await PrincipalsAsync(unit, signedOn, ct);

        // Lock, validate, commit (issue 12): the two sides signing at once are applied one after the other, so
        // the second sees the first's signature and the letter becomes SIGNED with its LetterSigned event.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var letter = await access.LockAsync(id, ct);
        var signatures = await db.Signatures.Where(s => s.LetterId == letter.Id).ToListAsync(ct);
        if (letter.Status == LetterStatus.Signed)
            throw new DomainRuleException(Say.T($"责任书 {letter.Id} 已由双方签署，不能再更改；如需变更，请修订并形成新版本。",
                $"Letter {letter.Id} is signed by both sides and cannot change; an amendment is a new version."));
        await access.EnsureOpenAsync(letter, ct);
        if (signatures.Any(s => s.Side == side))
            throw new AlreadyExistsException(Say.T($"责任书 {letter.Id} 的{SideZh(side)}已签署。",
                $"The {side.ToString().ToLowerInvariant()} side of letter {letter.Id} has signed already."));

        var leaderId = Guid.Parse(request.LeaderId);
        var principal = principals.FirstOrDefault(t => t.LeaderId == request.LeaderId);
        if (principal is null)
            throw new RequestValidationException("leader_id", principals.Count == 0
                ? Say.T($"{unit} 在 {request.SignedOn} 无主要负责同志",
                    $"nobody held the principal role of {unit} on {request.SignedOn}")
                : Say.T($"不是 {unit} 在 {request.SignedOn} 的主要负责同志；当日主要负责同志为 {string.Join("、", principals.Select(p => p.LeaderName).Distinct())}",
                    $"was not the principal leader of {unit} on {request.SignedOn}; {string.Join(", ", principals.Select(p => p.LeaderName).Distinct())} {(principals.Count == 1 ? "was" : "were")}"));
        var key = await db.SigningKeys.FirstOrDefaultAsync(k => k.LeaderId == leaderId && k.RevokedAt == null, ct)
            ?? throw new DomainRuleException(Say.T($"{principal.LeaderName} 尚未登记签名密钥。", $"{principal.LeaderName} has no signing key enrolled."));
        var signature = request.Signature.ToByteArray();
        if (!Sm2.Verify(key.PublicKey, CanonicalForm.Of(letter), signature))
            throw new RequestValidationException("signature", Say.T($"不能用 {principal.LeaderName} 已登记的密钥对本责任书的签署文本验证通过", $"does not verify with {principal.LeaderName}'s enrolled key over this letter's canonical form"));

        var now = time.GetUtcNow();
        var made = new LetterSignature
        {
            Id = Guid.CreateVersion7(now), LetterId = letter.Id, Side = side, UnitCode = unit, LeaderId = leaderId, LeaderName = principal.LeaderName,
            SignedOn = signedOn, KeyId = key.Id, PublicKey = key.PublicKey, Signature = signature, RecordedAt = now,
        };
        db.Signatures.Add(made);
        signatures.Add(made);
        if (signatures.Count == 2)
        {
            letter.Status = LetterStatus.Signed;
            outbox.Enqueue(new LetterSigned(letter.Id, letter.Year, letter.IssuerCode, letter.ReceiverCode, letter.Version,
                signatures.Max(s => s.SignedOn), now));
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"letter/{letter.Id}",
            Detail: System.Text.Json.JsonSerializer.Serialize(new { side = side.ToString(), leader = principal.LeaderName, signedOn = request.SignedOn, status = letter.Status.ToString() })), ct);
        await tx.CommitAsync(ct);
        return letter.ToApi(withTargets: true, signatures);
    }

    public override async Task<LetterVerification> VerifyLetter(VerifyLetterRequest request, ServerCallContext context)
    {
        var letter = await ReadableLetterAsync(request.LetterId, context.CancellationToken);
        var data = CanonicalForm.Of(letter);
        var result = new LetterVerification { Sm3Hex = Sm2.Sm3Hex(data), Intact = true };
        foreach (var s in await db.Signatures.AsNoTracking().Where(s => s.LetterId == letter.Id).OrderBy(s => s.Side).ToListAsync(context.CancellationToken))
        {
            var valid = Sm2.Verify(s.PublicKey, data, s.Signature);
            result.Intact &= valid;
            result.Signatures.Add(new SignatureCheck { Side = s.Side == SignatureSide.Issuer ? Side.Issuer : Side.Receiver, LeaderName = s.LeaderName, Valid = valid });
        }
        return result;
    }

    /// <summary>
    /// Who may sign for a unit on a day: for an organ or department its principal; for a jurisdiction the
    /// principals of its party committee and government (党政主要负责同志, Art. 9). From the registry, as of that day.
    /// </summary>
    private Task<List<RegistryApi.Term>> PrincipalsAsync(string unitCode, DateOnly day, CancellationToken ct) =>
        leaders.HoldersAsync(unitCode, RegistryApi.LeadershipRole.Principal, day, ct);

    private Task<Letter> ReadableLetterAsync(string id, CancellationToken ct) => access.ReadableAsync(Guid.Parse(id), ct);

    /// <summary>A side of a letter in a Chinese message: the issuing side (下达方) or the receiving side (接收方).</summary>
    private static string SideZh(SignatureSide side) => side == SignatureSide.Issuer ? "下达方" : "接收方";
}

public sealed class SigningKeysService(LettersDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, RegistryApi.Leadership.LeadershipClient leadership)
    : Api.SigningKeys.SigningKeysBase
{
    /// <summary>A leader's key is enrolled by the office of the leader's unit, or by the organisation department that appointed them.</summary>
    private static readonly string[] KeyEnrollers = [PinganRoles.CommissionOffice, PinganRoles.OrganisationLiaison];

    public override async Task<Api.EnrolmentChallenge> CreateEnrolmentChallenge(CreateEnrolmentChallengeRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await ActForLeaderAsync(request.LeaderId, ct);
        var now = time.GetUtcNow();
        var challenge = new Signing.EnrolmentChallenge
        {
            Id = Guid.CreateVersion7(now), LeaderId = Guid.Parse(request.LeaderId), Nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
            IssuedTo = guard.Caller.Subject, ExpiresAt = now + Signing.EnrolmentChallenge.Lifetime,
        };
        db.EnrolmentChallenges.Add(challenge);
        await db.SaveChangesAsync(ct);
        return new Api.EnrolmentChallenge { ChallengeId = challenge.Id.ToString(), Data = Google.Protobuf.ByteString.CopyFrom(challenge.Data()), ExpiresAt = challenge.ExpiresAt.ToString("O") };
    }

    public override async Task<Api.SigningKey> RegisterSigningKey(RegisterSigningKeyRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var leader = await ActForLeaderAsync(request.LeaderId, ct);
        var now = time.GetUtcNow();
        var leaderId = Guid.Parse(request.LeaderId);
        var publicKey = request.PublicKey.ToLowerInvariant();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Lock the challenge: two enrolments answering one challenge, one wins.
        var challengeId = Guid.Parse(request.ChallengeId);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM enrolment_challenges WHERE id = {challengeId} FOR UPDATE", ct);
        var challenge = await db.EnrolmentChallenges.FirstOrDefaultAsync(c => c.Id == challengeId, ct);
        if (challenge is null || challenge.LeaderId != leaderId || challenge.IssuedTo != guard.Caller.Subject)
            throw new RequestValidationException("challenge_id", Say.T($"不是您为领导 {request.LeaderId} 申请的挑战", $"is not a challenge you asked for leader {request.LeaderId}"));
        if (challenge.UsedAt is not null) throw new RequestValidationException("challenge_id", Say.T("已使用，请重新申请", "was answered already; ask for a new one"));
        if (challenge.ExpiresAt < now) throw new RequestValidationException("challenge_id", Say.T($"已于 {challenge.ExpiresAt:O} 过期，请重新申请", $"expired at {challenge.ExpiresAt:O}; ask for a new one"));
        // Possession: the proof verifies with the key being enrolled over this leader's nonce (issue 11).
        if (!Sm2.Verify(publicKey, challenge.Data(), request.Proof.ToByteArray()))
            throw new RequestValidationException("proof", Say.T("不能用 public_key 对挑战数据验证通过：须由密钥持有人在本人设备上签名",
                "does not verify with public_key over the challenge's data: the key's holder must sign it on their device"));
        challenge.UsedAt = now;
        foreach (var old in await db.SigningKeys.Where(k => k.LeaderId == leaderId && k.RevokedAt == null).ToListAsync(ct)) old.RevokedAt = now;
        await db.SaveChangesAsync(ct);
        var key = new Signing.SigningKey
        {
            Id = Guid.CreateVersion7(now), LeaderId = leaderId, LeaderName = leader.Name, PublicKey = publicKey,
            RegisteredAt = now, RegisteredBy = guard.Caller.Subject,
        };
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"leader/{leaderId}", Detail: $"{{\"keyId\":\"{key.Id}\",\"challenge\":\"{challenge.Id}\"}}"), ct);
        await tx.CommitAsync(ct);
        return new Api.SigningKey
        {
            KeyId = key.Id.ToString(), LeaderId = key.LeaderId.ToString(), LeaderName = key.LeaderName, PublicKey = key.PublicKey, RegisteredAt = key.RegisteredAt.ToString("O"),
        };
    }

    /// <summary>
    /// Issue 11 "act for a person": the office of the leader's own unit, never for a leader who holds a post above
    /// it. The registry shows a leader only to those whose jurisdiction the leader served in, with the posts the
    /// caller may know of (its own and those above it).
    /// </summary>
    private async Task<RegistryApi.Leader> ActForLeaderAsync(string leaderId, CancellationToken ct)
    {
        guard.EnsureRole(KeyEnrollers);
        var leader = await leadership.GetLeaderAsync(new RegistryApi.GetLeaderRequest { LeaderId = leaderId }, cancellationToken: ct);
        var today = time.Today().ToString("yyyy-MM-dd");
        // A leader who has left every post is acted for by the office of the last one (a key for the letters they signed).
        var current = leader.Terms.Where(t => string.CompareOrdinal(t.StartsOn, today) <= 0 && (t.EndsOn.Length == 0 || string.CompareOrdinal(t.EndsOn, today) >= 0)).ToList();
        var posts = current.Count > 0 ? current : [.. leader.Terms.OrderByDescending(t => t.EndsOn, StringComparer.Ordinal).Take(1)];
        await guard.ActForPersonAsync(KeyEnrollers, leader.Name, [.. posts.Select(t => t.UnitCode)], ct);
        return leader;
    }
}
