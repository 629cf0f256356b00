using System.Text.Json;
using Grpc.Core;
using Pingan.Sanctions.Api;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Sanctions.Cases;

/// <summary>An aggravating (Art. 40) or mitigating (Art. 41) circumstance of a case, with its evidence.</summary>
public sealed class CaseCircumstance
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    /// <summary>The Api.Circumstance value's name, e.g. "Falsification".</summary>
    public required string Kind { get; set; }
    public required string Clause { get; set; }
    public bool Aggravating { get; set; }
    public required string Description { get; set; }
    public required string Evidence { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public required string RecordedBy { get; set; }

    public static (string Clause, bool Aggravating) Of(Circumstance c) => c switch
    {
        Circumstance.Obstruction => ("Art. 40(1)", true),
        Circumstance.Falsification => ("Art. 40(2)", true),
        Circumstance.Retaliation => ("Art. 40(3)", true),
        Circumstance.OtherAggravating => ("Art. 40(4)", true),
        Circumstance.PromptRemedy => ("Art. 41(1)", false),
        Circumstance.Cooperation => ("Art. 41(2)", false),
        Circumstance.OtherMitigating => ("Art. 41(3)", false),
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };
}

public sealed partial class CasesService
{
    public override Task<Api.Case> RecordCircumstance(RecordCircumstanceRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () =>
        ChangeAsync(request.CaseId, CaseAction.RecordCircumstance, [PinganRoles.CommissionOffice], context, (c, ct) =>
        {
            EnsureEitherBody(c, "核实", "verified");
            var (clause, aggravating) = CaseCircumstance.Of(request.Circumstance);
            var record = new CaseCircumstance
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()), CaseId = c.Id, Kind = request.Circumstance.ToString(), Clause = clause, Aggravating = aggravating,
                Description = request.Description.Trim(), Evidence = request.Evidence.Trim(), RecordedAt = time.GetUtcNow(), RecordedBy = guard.Caller.Subject,
            };
            db.Circumstances.Add(record); // the case's list picks it up by fix-up
            return Task.FromResult<(string, string, object)>((aggravating ? "AggravatingCircumstance" : "MitigatingCircumstance", clause, new
            {
                circumstance = record.Kind, clause, description = record.Description, evidence = record.Evidence,
            }));
        }));

    /// <summary>
    /// The clauses a decision applies (Art. 32 "建立工作档案"): the Art. 31 clause, how the stage was reached (direct entry
    /// by gravity, aggravated by Art. 40, or a period that ended), the stage's own article, and the circumstances on record.
    /// </summary>
    private static List<string> Trace(SanctionCase c, Stage stage, bool direct, bool escalation)
    {
        var trace = new List<string> { $"Art. 31({c.Clause})" };
        if (escalation) trace.Add($"{CaseStateMachine.Article(stage)}: {c.EscalationReason}");
        else if (direct) trace.Add($"{CaseStateMachine.Article(stage)}: direct entry, severity {c.Severity}{(c.Circumstances.Any(x => x.Aggravating) ? " aggravated (Art. 40)" : "")}");
        trace.Add(CaseStateMachine.Article(stage));
        trace.AddRange(c.Circumstances.OrderBy(x => x.RecordedAt).Select(x => $"{x.Clause} {(x.Aggravating ? "aggravating" : "mitigating")}: {x.Description}"));
        return trace;
    }
}
