using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Messaging;
using Pingan.Sanctions.Api;
using Pingan.Sanctions.Contracts;
using Pingan.Sanctions.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Sanctions.Cases;

// Referrals to the discipline-inspection and organisation departments, which act under their own authority (Art. 32, 39).
public sealed partial class CasesService
{
    public override Task<Api.Case> ReferCase(ReferCaseRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () =>
        ChangeAsync(request.CaseId, CaseAction.Refer, [PinganRoles.CommissionOffice], context, async (c, ct) =>
        {
            EnsureEitherBody(c, "移送", "referred");
            var leaders = new List<object>();
            foreach (var (id, i) in request.LeaderIds.Distinct().Select((id, i) => (id, i)))
            {
                var leader = await leadership.GetLeaderAsync(new RegistryApi.GetLeaderRequest { LeaderId = id }, cancellationToken: ct);
                leaders.Add(new { leaderId = leader.LeaderId, name = leader.Name });
            }
            return leaders;
        }, (c, leaders, ct) =>
        {
            var measure = (ReferralMeasure)request.Measure;
            var now = time.GetUtcNow();
            var referral = new Referral
            {
                Id = Guid.CreateVersion7(now), CaseId = c.Id, Measure = measure, Department = Referral.DepartmentFor(measure),
                Leaders = JsonSerializer.Serialize(leaders, CaseMapping.Json), Grounds = request.Grounds.Trim(), CreatedAt = now,
                CreatedBy = guard.Caller.Subject, NextAttemptAt = now,
            };
            db.Referrals.Add(referral); // the case's list picks it up by fix-up
            outbox.Enqueue(new CaseReferred(c.Id, referral.Id, c.SubjectCode, measure.ToString(), referral.Department,
                [.. request.LeaderIds.Distinct().Select(Guid.Parse)], now));
            return Task.FromResult<(string, string, object)>(("Referred", "Art. 32, 39", new { referral = referral.Id, measure = measure.ToString(), department = referral.Department, leaders, grounds = referral.Grounds }));
        }));

    public override Task<Api.Case> RecordReferralOutcome(RecordReferralOutcomeRequest request, ServerCallContext context) =>
        ChangeAsync(request.CaseId, CaseAction.RecordReferralOutcome,
            [PinganRoles.DisciplineLiaison, PinganRoles.OrganisationLiaison, PinganRoles.PersonnelLiaison], context, (c, ct) =>
        {
            var referral = c.Referrals.FirstOrDefault(r => r.Id == Guid.Parse(request.ReferralId))
                ?? throw new NotFoundException(Say.T($"案件 {c.Id} 没有编号为 {request.ReferralId} 的移送记录。", $"Case {c.Id} has no referral {request.ReferralId}."));
            // Each department reports on what was referred to it.
            var own = referral.Department == "discipline"
                ? guard.Caller.HasAnyRole(PinganRoles.DisciplineLiaison)
                : guard.Caller.HasAnyRole(PinganRoles.OrganisationLiaison, PinganRoles.PersonnelLiaison);
            if (!own)
                throw new RpcException(new Status(StatusCode.PermissionDenied, Say.T($"此项移送由{DepartmentZh(referral.Department)}办理，处理结果由其系统报告。",
                    $"The referral went to the {referral.Department} department; its system reports the outcome.")));
            if (referral.Outcome is not null)
                throw new AlreadyExistsException(Say.T($"移送事项 {referral.Id} 的处理结果已于 {referral.OutcomeOn:yyyy-MM-dd} 登记。",
                    $"The outcome of referral {referral.Id} was recorded on {referral.OutcomeOn:yyyy-MM-dd}."));
            var decidedOn = PastDay(request.DecidedOn, "decided_on");
            referral.Outcome = request.Outcome.Trim();
            referral.OutcomeOn = decidedOn;
            outbox.Enqueue(new ReferralOutcomeRecorded(c.Id, referral.Id, referral.Measure.ToString(), referral.Outcome, decidedOn));
            return Task.FromResult<(string, string, object)>(("ReferralDecided", "Art. 39", new
            {
                referral = referral.Id, department = referral.Department, outcome = referral.Outcome, decidedOn = request.DecidedOn,
            }));
        });

    /// <summary>The department a referral went to (<see cref="Referral.DepartmentFor"/>), in Chinese.</summary>
    private static string DepartmentZh(string department) => department switch
    {
        "discipline" => "纪检监察机关",
        "organisation" => "组织人事部门",
        _ => department,
    };
}

/// <summary>
/// Delivers referrals to the departments' systems until each acknowledges (Art. 32, 39). A referral is claimed with
/// a lease (its next attempt moved on before the call), so replicas never deliver it at once and a crash mid-call
/// means one more delivery after the lease, with the same <c>Idempotency-Key</c> (the referral's id): the
/// department files it once. The acknowledgement, its case file entry and its event commit together.
/// </summary>
public sealed class ReferralDispatcher(
    IServiceScopeFactory scopes, IHttpClientFactory http, TimeProvider clock, IConfiguration configuration, ILogger<ReferralDispatcher> logger)
    : PeriodicSweep(clock, logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override TimeSpan Every => configuration.GetValue("Sanctions:Referrals:Every", TimeSpan.FromSeconds(15));

    protected override string What => "referral deliveries";

    public override async Task<int> SweepAsync(CancellationToken ct)
    {
        var delivered = 0;
        while (true)
        {
            var claimed = await ClaimAsync(ct);
            if (claimed.Count == 0) return delivered;
            foreach (var (referral, c) in claimed)
                if (await DeliverAsync(referral, c, ct)) delivered++;
        }
    }

    private async Task<List<(Referral, SanctionCase)>> ClaimAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SanctionsDb>();
        var now = Time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var due = await db.Referrals
            .FromSql($"SELECT * FROM referrals WHERE acknowledged_at IS NULL AND next_attempt_at <= {now} ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED")
            .ToListAsync(ct);
        foreach (var r in due)
        {
            r.Attempts++;
            r.NextAttemptAt = now + Lease;
        }
        var ids = due.Select(r => r.CaseId).ToArray();
        var cases = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return [.. due.Select(r => (r, cases[r.CaseId]))];
    }

    private async Task<bool> DeliverAsync(Referral referral, SanctionCase c, CancellationToken ct)
    {
        var endpoint = configuration[$"Sanctions:Departments:{referral.Department}"];
        string? reference = null;
        string? error;
        if (string.IsNullOrEmpty(endpoint))
            error = $"no address for the {referral.Department} department (Sanctions:Departments:{referral.Department})";
        else
        {
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(endpoint), "referrals"))
                {
                    Content = JsonContent.Create(new
                    {
                        referralId = referral.Id, caseId = c.Id, measure = referral.Measure.ToString(), article = "Art. 32, 39",
                        subject = new { code = c.SubjectCode, name = c.SubjectName }, clause = c.Clause, incidentOn = c.IncidentOn,
                        stage = c.Stage.ToString(), leaders = JsonDocument.Parse(referral.Leaders).RootElement, grounds = referral.Grounds,
                        referredAt = referral.CreatedAt,
                    }),
                };
                message.Headers.Add("Idempotency-Key", referral.Id.ToString());
                using var response = await http.CreateClient("departments").SendAsync(message, ct);
                if (response.IsSuccessStatusCode)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                    reference = body.RootElement.TryGetProperty("reference", out var r) ? r.GetString() : null;
                }
                error = reference is null ? $"{(int)response.StatusCode} {response.ReasonPhrase}" : null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                error = e.Message;
            }
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SanctionsDb>();
        var now = Time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Lock the case first, as every change does.
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM cases WHERE id = {c.Id} FOR UPDATE", ct);
        var row = await db.Referrals.FirstAsync(r => r.Id == referral.Id, ct);
        if (row.AcknowledgedAt is not null) return false; // another replica's delivery after a lease ran out
        if (reference is null)
        {
            // 15 s, 30 s, 1 min … at most an hour apart, until acknowledged.
            row.NextAttemptAt = now + TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, Math.Min(row.Attempts - 1, 8))));
            row.LastError = error?.Length > 500 ? error[..500] : error;
            logger.LogWarning("Referral {Referral} to the {Department} department not acknowledged (attempt {Attempts}): {Error}", row.Id, row.Department, row.Attempts, error);
        }
        else
        {
            row.AcknowledgedAt = now;
            row.Reference = reference;
            row.LastError = null;
            var tracked = await db.Cases.FirstAsync(x => x.Id == c.Id, ct);
            db.Steps.Add(CaseStep.Next(tracked, now, $"{row.Department} department's system", "ReferralAcknowledged", "Art. 39",
                new { referral = row.Id, reference, attempts = row.Attempts }));
            scope.ServiceProvider.GetRequiredService<IOutbox>().Enqueue(new ReferralAcknowledged(c.Id, row.Id, row.Department, reference, now));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return reference is not null;
    }
}
