using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Pingan.Letters.Api;
using Pingan.Letters.Persistence;
using Pingan.Security;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Letters.Tests;

/// <summary>
/// Both sides' principal leaders sign a letter with their own SM2 keys, as their devices would; the platform
/// holds only the public keys (Art. 13 "签订目标责任书"). Fictional leaders: 李明 leads the province's party
/// committee; 张伟 led Zhengzhou's until 31 January 2026 and 刘洋 since.
/// </summary>
public sealed class SigningTests : LettersTest
{
    private readonly Dictionary<string, AsymmetricCipherKeyPair> _devices = [];
    private string _liMing = "", _zhangWei = "", _liuYang = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var registry = new RegistryApi.Leadership.LeadershipClient(As(Province, PinganRoles.OrganisationLiaison, Registry));
        async Task<string> AppointAsync(string name, string unit, string starts, string? ends = null)
        {
            var term = await registry.AppointLeaderAsync(new RegistryApi.AppointLeaderRequest { CorrectionReason = "补录历史任职记录", Name = name, UnitCode = unit, Role = RegistryApi.LeadershipRole.Principal, StartsOn = starts });
            if (ends is not null) await registry.EndTermAsync(new RegistryApi.EndTermRequest { CorrectionReason = "补录历史任职记录", TermId = term.TermId, EndsOn = ends, Reason = "transferred" });
            return term.LeaderId;
        }
        _liMing = await AppointAsync("李明", Province + "-PC", "2021-06-01");
        _zhangWei = await AppointAsync("张伟", Zhengzhou + "-PC", "2021-06-01", "2026-01-31");
        _liuYang = await AppointAsync("刘洋", Zhengzhou + "-PC", "2026-02-01");
        foreach (var (leader, office) in new[] { (_liMing, Province), (_zhangWei, Zhengzhou), (_liuYang, Zhengzhou) })
        {
            var keys = new SigningKeys.SigningKeysClient(As(office, PinganRoles.OrganisationLiaison));
            var publicKey = Enrol(leader);
            await keys.RegisterSigningKeyAsync(await ProveAsync(keys, leader, publicKey, leader));
        }
    }

    /// <summary>Asks for a challenge for <paramref name="leader"/> and has <paramref name="device"/>'s key sign it.</summary>
    private async Task<RegisterSigningKeyRequest> ProveAsync(SigningKeys.SigningKeysClient keys, string leader, string publicKey, string device)
    {
        var challenge = await keys.CreateEnrolmentChallengeAsync(new CreateEnrolmentChallengeRequest { LeaderId = leader });
        return new RegisterSigningKeyRequest
        {
            LeaderId = leader, PublicKey = publicKey, ChallengeId = challenge.ChallengeId,
            Proof = ByteString.CopyFrom(SignOnDevice(device, challenge.Data.ToByteArray())),
        };
    }

    /// <summary>
    /// Issue 11: enrolling a key proves possession of its private key, with a one-time challenge naming the leader.
    /// Someone else's public key (李明's, copied) cannot be enrolled for 刘洋, a challenge is answered once and only
    /// by whoever asked for it, and Zhongyuan's office enrols nobody of Zhengzhou's. Nothing changes on refusal.
    /// </summary>
    [Fact]
    public async Task Enrolling_a_key_proves_possession_with_a_one_time_challenge_for_that_leader_Issue11()
    {
        var zhengzhou = new SigningKeys.SigningKeysClient(As(Zhengzhou, PinganRoles.OrganisationLiaison));
        var keysBefore = await CountAsync(db => db.SigningKeys);

        // A public key whose private half the enroller does not hold: the proof made with another key fails.
        Enrol("the enroller's own device");
        var copied = await ProveAsync(zhengzhou, _liuYang, Enrol("someone's device"), "the enroller's own device");
        var e = await Refused(() => zhengzhou.RegisterSigningKeyAsync(copied).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["proof"], Fields(e));

        var newKey = Enrol("刘洋's new device");
        var proven = await ProveAsync(zhengzhou, _liuYang, newKey, "刘洋's new device");
        var someoneElse = new SigningKeys.SigningKeysClient(Pingan.Testing.TestAuthority.As(Host.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionOffice], "another-clerk-of-zhengzhou")));
        e = await Refused(() => someoneElse.RegisterSigningKeyAsync(proven).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["challenge_id"], Fields(e));
        var forZhangWei = proven.Clone();
        forZhangWei.LeaderId = _zhangWei;
        await Refused(() => zhengzhou.RegisterSigningKeyAsync(forZhangWei).ResponseAsync, StatusCode.InvalidArgument);
        await Refused(() => new SigningKeys.SigningKeysClient(As(Zhongyuan, PinganRoles.CommissionOffice))
            .CreateEnrolmentChallengeAsync(new CreateEnrolmentChallengeRequest { LeaderId = _liuYang }).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Equal(keysBefore, await CountAsync(db => db.SigningKeys));

        var enrolled = await zhengzhou.RegisterSigningKeyAsync(proven);
        Assert.Equal(newKey.ToLowerInvariant(), enrolled.PublicKey);
        e = await Refused(() => zhengzhou.RegisterSigningKeyAsync(proven).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Contains("answered already", e.Status.Detail);
    }

    [Fact]
    public async Task Both_principals_sign_the_canonical_form_and_the_signed_letter_cannot_change_Art13()
    {
        var letter = await IssueToZhengzhouAsync();
        var form = await LettersOf(Zhengzhou).GetCanonicalFormAsync(new GetCanonicalFormRequest { LetterId = letter });
        Assert.Contains("\"receiverName\":\"郑州市\"", form.Data.ToStringUtf8());

        var afterIssuer = await LettersOf(Province).SignLetterAsync(Sign(letter, Side.Issuer, _liMing, form));
        Assert.Equal(("ISSUED", "李明"), (afterIssuer.Status, afterIssuer.Signatures.Single().LeaderName));
        var signed = await LettersOf(Zhengzhou, PinganRoles.CommissionLeader).SignLetterAsync(Sign(letter, Side.Receiver, _liuYang, form));
        Assert.Equal("SIGNED", signed.Status);
        Assert.Equal(["李明", "刘洋"], signed.Signatures.Select(s => s.LeaderName));

        var check = await LettersOf(Zhengzhou).VerifyLetterAsync(new VerifyLetterRequest { LetterId = letter });
        Assert.True(check.Intact);
        Assert.Equal(form.Sm3Hex, check.Sm3Hex);
        // Anyone with the public key checks it without the platform: the signature is over the canonical bytes.
        Assert.True(VerifyOutside(signed.Signatures[1].PublicKey, form.Data.ToByteArray(), signed.Signatures[1].Signature_.ToByteArray()));

        await Refused(() => LettersOf(Zhengzhou).SignLetterAsync(Sign(letter, Side.Receiver, _liuYang, form)).ResponseAsync, StatusCode.FailedPrecondition);

        // A change behind the platform's back is caught: the signatures no longer verify.
        await using (var scope = Host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<LettersDb>().Database.ExecuteSqlRawAsync(
                "UPDATE letter_targets SET target_value = 50 WHERE letter_id = {0}", Guid.Parse(letter));
        var tampered = await LettersOf(Province).VerifyLetterAsync(new VerifyLetterRequest { LetterId = letter });
        Assert.False(tampered.Intact);
        Assert.All(tampered.Signatures, s => Assert.False(s.Valid));
    }

    [Fact]
    public async Task Only_the_principal_leader_on_the_signing_date_may_sign_and_only_with_their_own_key()
    {
        var letter = await IssueToZhengzhouAsync();
        var form = await LettersOf(Zhengzhou).GetCanonicalFormAsync(new GetCanonicalFormRequest { LetterId = letter });

        // 张伟 left on 31 January: on 10 February it is 刘洋's to sign.
        var error = await Refused(() => LettersOf(Zhengzhou).SignLetterAsync(Sign(letter, Side.Receiver, _zhangWei, form)).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["leader_id"], Fields(error));
        Assert.Contains("刘洋 was", error.Status.Detail);

        // 刘洋's name with a signature from 张伟's device.
        var forged = Sign(letter, Side.Receiver, _liuYang, form);
        forged.Signature = ByteString.CopyFrom(SignOnDevice(_zhangWei, form.Data.ToByteArray()));
        error = await Refused(() => LettersOf(Zhengzhou).SignLetterAsync(forged).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["signature"], Fields(error));

        // Kaifeng's office cannot sign for Zhengzhou; nothing was recorded by any of the refusals.
        await Refused(() => LettersOf(Kaifeng).SignLetterAsync(Sign(letter, Side.Receiver, _liuYang, form)).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Empty((await LettersOf(Zhengzhou).GetLetterAsync(new GetLetterRequest { LetterId = letter })).Signatures);
    }

    [Fact]
    public async Task A_signed_letter_changes_only_by_an_amendment_a_new_version_with_its_reason_signed_again()
    {
        var letter = await IssueToZhengzhouAsync();
        var form = await LettersOf(Zhengzhou).GetCanonicalFormAsync(new GetCanonicalFormRequest { LetterId = letter });
        await LettersOf(Province).SignLetterAsync(Sign(letter, Side.Issuer, _liMing, form));
        await LettersOf(Zhengzhou).SignLetterAsync(Sign(letter, Side.Receiver, _liuYang, form));

        // Weights that no longer sum to 100 are refused and nothing is created.
        var error = await Refused(() => LettersOf(Province).AmendLetterAsync(new AmendLetterRequest
        {
            LetterId = letter, Reason = "省委部署调整", Changes = { new TargetChange { Code = "1", Weight = "70" } },
        }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["changes"], Fields(error));
        // Only the issuing commission amends.
        await Refused(() => LettersOf(Zhengzhou).AmendLetterAsync(new AmendLetterRequest
        {
            LetterId = letter, Reason = "想改", Changes = { new TargetChange { Code = "1", TargetValue = "80" } },
        }).ResponseAsync, StatusCode.PermissionDenied);

        var amended = await LettersOf(Province).AmendLetterAsync(new AmendLetterRequest
        {
            LetterId = letter, Reason = "省委部署调整", Changes = { new TargetChange { Code = "1", TargetValue = "98", Weight = "70" }, new TargetChange { Code = "2", Weight = "30" } },
        });
        Assert.Equal((2, "ISSUED", letter, "省委部署调整"), (amended.Version, amended.Status, amended.AmendsLetterId, amended.AmendmentReason));
        Assert.Equal(["98", "95"], amended.Targets.Select(t => t.TargetValue));
        Assert.Empty(amended.Signatures);

        // The signed version is kept as signed, replaced, still verifiable; it takes no further signature.
        var first = await LettersOf(Zhengzhou).GetLetterAsync(new GetLetterRequest { LetterId = letter });
        Assert.Equal(("SUPERSEDED", "95"), (first.Status, first.Targets[0].TargetValue));
        Assert.True((await LettersOf(Zhengzhou).VerifyLetterAsync(new VerifyLetterRequest { LetterId = letter })).Intact);
        await Refused(() => LettersOf(Province).AmendLetterAsync(new AmendLetterRequest
        {
            LetterId = letter, Reason = "again", Changes = { new TargetChange { Code = "1", TargetValue = "97" } },
        }).ResponseAsync, StatusCode.FailedPrecondition);

        var newForm = await LettersOf(Zhengzhou).GetCanonicalFormAsync(new GetCanonicalFormRequest { LetterId = amended.LetterId });
        await LettersOf(Province).SignLetterAsync(Sign(amended.LetterId, Side.Issuer, _liMing, newForm));
        Assert.Equal("SIGNED", (await LettersOf(Zhengzhou).SignLetterAsync(Sign(amended.LetterId, Side.Receiver, _liuYang, newForm))).Status);
        Assert.Equal([1, 2], (await LettersOf(Zhengzhou).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Side = LetterSide.Received })).Letters.Select(l => l.Version));
    }

    /// <summary>
    /// Issue 12: the two sides sign at the same moment. Both calls are in flight together (held behind the letter's
    /// lock, then released at once); each side's signature lands, the letter is SIGNED, and LetterSigned leaves once.
    /// </summary>
    [Fact]
    public async Task Both_sides_signing_at_once_leave_the_letter_signed_with_one_LetterSigned_Issue12_Art13()
    {
        var letter = await IssueToZhengzhouAsync();
        var form = await LettersOf(Zhengzhou).GetCanonicalFormAsync(new GetCanonicalFormRequest { LetterId = letter });
        Task<Api.Letter> issuer, receiver;
        await using (await HoldLetterAsync(letter))
        {
            issuer = LettersOf(Province).SignLetterAsync(Sign(letter, Side.Issuer, _liMing, form)).ResponseAsync;
            receiver = LettersOf(Zhengzhou).SignLetterAsync(Sign(letter, Side.Receiver, _liuYang, form)).ResponseAsync;
            await WaitForWaitersAsync(2);
        }
        await Task.WhenAll(issuer, receiver);

        var signed = await LettersOf(Zhengzhou).GetLetterAsync(new GetLetterRequest { LetterId = letter });
        Assert.Equal("SIGNED", signed.Status);
        Assert.Equal(2, signed.Signatures.Count);
        Assert.Equal(1, await CountAsync(db => db.Set<Pingan.Messaging.OutboxMessage>().Where(m => m.MessageType.Contains("LetterSigned"))));
    }


    private SignLetterRequest Sign(string letter, Side side, string leader, CanonicalForm form) => new()
    {
        LetterId = letter, Side = side, LeaderId = leader, SignedOn = "2026-02-10",
        Signature = ByteString.CopyFrom(SignOnDevice(leader, form.Data.ToByteArray())),
    };

    /// <summary>A new key pair on the leader's device; the public key, 04||X||Y in hex, is what is enrolled.</summary>
    private string Enrol(string leader)
    {
        var curve = GMNamedCurves.GetByName("sm2p256v1");
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H), new SecureRandom()));
        var pair = _devices[leader] = generator.GenerateKeyPair();
        return Convert.ToHexString(((ECPublicKeyParameters)pair.Public).Q.GetEncoded(false));
    }

    private byte[] SignOnDevice(string leader, byte[] data)
    {
        var signer = new SM2Signer();
        signer.Init(true, new ParametersWithRandom(_devices[leader].Private, new SecureRandom()));
        signer.BlockUpdate(data, 0, data.Length);
        return signer.GenerateSignature();
    }

    private static bool VerifyOutside(string publicKeyHex, byte[] data, byte[] signature)
    {
        var curve = GMNamedCurves.GetByName("sm2p256v1");
        var key = new ECPublicKeyParameters(curve.Curve.DecodePoint(Convert.FromHexString(publicKeyHex)), new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H));
        var signer = new SM2Signer();
        signer.Init(false, key);
        signer.BlockUpdate(data, 0, data.Length);
        return signer.VerifySignature(signature);
    }
}
