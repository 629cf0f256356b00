using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pingan.Audit;
using Pingan.Rules.Api;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;

namespace Pingan.Rules;

public static class RulesServiceCollectionExtensions
{
    /// <summary>
    /// The dated rules <paramref name="rules"/>, kept in <typeparamref name="TDb"/> (whose model calls
    /// <see cref="RulesModel.AddRegulationRules"/>): <see cref="IRuleBook"/> for handlers and the RegulationRules gRPC
    /// service (map it with <see cref="MapRegulationRules{TDb}"/>).
    /// </summary>
    public static IHostApplicationBuilder AddRegulationRules<TDb>(this IHostApplicationBuilder builder, params RuleDefinition[] rules) where TDb : DbContext
    {
        foreach (var rule in rules) builder.Services.AddSingleton(rule);
        builder.Services.AddSingleton<RuleCatalogue>();
        builder.Services.AddScoped<IRuleBook, RuleBook<TDb>>();
        return builder;
    }

    public static GrpcServiceEndpointConventionBuilder MapRegulationRules<TDb>(this WebApplication app) where TDb : DbContext =>
        app.MapGrpcService<RegulationRulesService<TDb>>();
}

/// <summary>
/// Reading the rules is open to every signed-in caller (how the province reads its own measures is no secret);
/// choosing a reading is the province's commission office's, from a later day, audited.
/// </summary>
internal sealed class RegulationRulesService<TDb>(TDb db, RuleCatalogue catalogue, IRuleBook book, TimeProvider time, JurisdictionGuard guard, IAuditTrail audit)
    : RegulationRules.RegulationRulesBase where TDb : DbContext
{
    private static readonly string[] AnyRole =
    [
        PinganRoles.CommissionOffice, PinganRoles.CommissionLeader, PinganRoles.MemberUnitLiaison, PinganRoles.Inspector, PinganRoles.DisciplineLiaison,
        PinganRoles.OrganisationLiaison, PinganRoles.PersonnelLiaison, PinganRoles.Auditor, PinganRoles.Operator,
    ];

    public override async Task<RuleList> ListRules(ListRulesRequest request, ServerCallContext context)
    {
        // Any role anywhere: the readings are no business record, but an account without a role reads nothing.
        guard.EnsureRole(AnyRole);
        var asOf = request.AsOf.Length == 0 ? time.Today() : Day(request.AsOf, "as_of");
        var list = new RuleList();
        foreach (var rule in catalogue.All) list.Rules.Add(await ViewAsync(rule, asOf, context.CancellationToken));
        return list;
    }

    public override async Task<Api.Rule> SetRule(SetRuleRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole(PinganRoles.CommissionOffice);
        await guard.EnsureTopLevelAsync("choose how the regulation is read", ct);
        var rule = catalogue.Find(request.Name) ?? throw new NotFoundException($"No rule {request.Name} here; ListRules names them.");
        var errors = new List<FieldError>();
        if (rule.Problem(request.Reading) is { } problem) errors.Add(new FieldError("reading", problem));
        var today = time.Today();
        if (!DateOnly.TryParseExact(request.EffectiveFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from))
            errors.Add(new FieldError("effective_from", "must be a date YYYY-MM-DD"));
        else if (from <= today)
            errors.Add(new FieldError("effective_from", $"must be after today ({today:yyyy-MM-dd}): acts already taken keep the reading they were taken under"));
        var reason = request.Reason.Trim();
        if (reason.Length is 0 or > 500) errors.Add(new FieldError("reason", "must be 1-500 characters: the decision or document behind the choice"));
        if (errors.Count > 0) throw new RequestValidationException(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(new RuleChoice
        {
            Rule = rule.Name, Reading = request.Reading, EffectiveFrom = from, Reason = reason,
            SetBy = $"{guard.Caller.Subject} ({guard.Caller.Name})", SetAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"rule/{rule.Name}",
            Detail: JsonSerializer.Serialize(new { reading = request.Reading, effectiveFrom = request.EffectiveFrom, reason })), ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(rule, from, ct);
    }

    private async Task<Api.Rule> ViewAsync(RuleDefinition rule, DateOnly asOf, CancellationToken ct)
    {
        var view = new Api.Rule
        {
            Name = rule.Name, Articles = rule.Articles, Question = rule.Question, DefaultReading = rule.Default,
            InForce = await book.ReadingAsync(rule.Name, asOf, ct),
        };
        view.Readings.AddRange(rule.Readings.Select(r => new Reading { Value = r.Value, Description = r.Description }));
        var schedule = await db.Set<RuleChoice>().AsNoTracking().Where(c => c.Rule == rule.Name).OrderBy(c => c.Id).ToListAsync(ct);
        view.Schedule.AddRange(schedule.Select(c => new Choice
        {
            Reading = c.Reading, EffectiveFrom = c.EffectiveFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Reason = c.Reason, SetBy = c.SetBy,
            SetAt = c.SetAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
        }));
        return view;
    }

    private static DateOnly Day(string text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day : throw new RequestValidationException(field, "must be a date YYYY-MM-DD");
}
