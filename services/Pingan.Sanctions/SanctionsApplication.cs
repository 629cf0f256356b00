using Pingan.EventLog;
using Microsoft.AspNetCore.Builder;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Contracts;
using Pingan.Rules;
using Pingan.Sanctions.Cases;
using Pingan.Sanctions.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Sanctions;

/// <summary>How the sanctions service composes itself; Program.cs runs it, tests start it on free ports.</summary>
public static class SanctionsApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults("Pingan sanctions");
        builder.AddPinganDbContext<SanctionsDb>("sanctions");
        builder.AddRequestLedger<SanctionsDb>();
        // Issue 13: inspection findings and incident reports referred as Art. 31 situations open cases here.
        builder.AddPinganMessaging<SanctionsDb>(bus =>
        {
            bus.AddConsumer<InspectionFindingReferral>();
            bus.AddConsumer<IncidentReferral>();
            // Issue 14: a 不合格 grade, published, is an Art. 31(8) situation.
            bus.AddConsumer<FailedAssessmentReferral>();
        });
        builder.AddPinganAudit<SanctionsDb>();
        builder.AddPinganSecurity("sanctions");
        builder.AddRegulationRules<SanctionsDb>(SanctionsRules.All);
        // Units, leaders and the accountability chain come from the registry, asked on the caller's token.
        var registry = builder.Configuration["Services:Registry:Grpc"]
            ?? throw new InvalidOperationException("Set Services:Registry:Grpc to the registry's gRPC address.");
        builder.Services.AddRegistryAccountabilityChain(new Uri(registry));
        builder.Services.AddRequestValidators(typeof(SanctionsApplication).Assembly);
        builder.Services.AddScoped<DistributionList>();
        // Issue 13: an acceptance check may cite an inspection, read from the inspections service on the checker's token.
        if (builder.Configuration["Services:Inspections:Grpc"] is { Length: > 0 } inspections)
            builder.Services.AddPinganGrpcClient<Pingan.Inspections.Api.Inspections.InspectionsClient>(new Uri(inspections));
        // ADR 0012: referrals and failed assessments published while this service was not yet listening, from the producers' logs.
        builder.FollowEventLog<SanctionsDb>("sanctions", "inspections", "Services:Inspections:Grpc", typeof(InspectionFindingReferral), typeof(IncidentReferral));
        builder.FollowEventLog<SanctionsDb>("sanctions", "assessments", "Services:Assessments:Grpc", typeof(FailedAssessmentReferral));
        builder.Services.AddScoped<AcceptanceInspections>();
        builder.Services.AddSingleton<DeadlineSweep>();
        if (builder.Configuration.GetValue("Sanctions:Sweep:Enabled", true))
            builder.Services.AddHostedService(s => s.GetRequiredService<DeadlineSweep>());
        // The departments' systems (Art. 32, 39): Sanctions:Departments:discipline and :organisation are their base addresses.
        builder.Services.AddHttpClient("departments", c => c.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<ReferralDispatcher>();
        builder.Services.AddScrapeProbe<SanctionsGauges>();
        if (builder.Configuration.GetValue("Sanctions:Referrals:Enabled", true))
            builder.Services.AddHostedService(s => s.GetRequiredService<ReferralDispatcher>());

        var app = builder.Build();
        app.MapServiceDefaults();
        app.UsePinganSecurity();
        app.MapGrpcService<CasesService>();
        app.MapAuditLog<SanctionsDb>();
        app.MapRegulationRules<SanctionsDb>();
        app.MapEventLog<SanctionsDb>(); // ADR 0012: late consumers rebuild from it
        return app;
    }
}
