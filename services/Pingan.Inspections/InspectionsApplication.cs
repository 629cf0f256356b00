using Microsoft.AspNetCore.Builder;
using Pingan.Audit;
using Pingan.EventLog;
using Pingan.Evidence;
using Pingan.Inspections.Inspections;
using Pingan.Inspections.Persistence;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Contracts;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Inspections;

/// <summary>How the inspections service composes itself; Program.cs runs it, tests start it on free ports.</summary>
public static class InspectionsApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults("Pingan inspections");
        builder.AddPinganDbContext<InspectionsDb>("inspections");
        builder.AddRequestLedger<InspectionsDb>();
        builder.AddPinganMessaging<InspectionsDb>();
        builder.AddPinganAudit<InspectionsDb>();
        builder.AddPinganSecurity("inspections");
        builder.AddEvidence("Inspections");
        // Units, commissions and their members come from the registry, asked on the caller's token.
        var registry = builder.Configuration["Services:Registry:Grpc"]
            ?? throw new InvalidOperationException("Set Services:Registry:Grpc to the registry's gRPC address.");
        builder.Services.AddRegistryAccountabilityChain(new Uri(registry));
        builder.Services.AddRequestValidators(typeof(InspectionsApplication).Assembly);
        builder.Services.Configure<LightOptions>(builder.Configuration.GetSection(LightOptions.Section));
        builder.Services.AddScoped<InspectionAccess>();
        builder.Services.AddSingleton<RectificationSweep>();
        builder.Services.AddSingleton<Duties.DutySweep>();
        if (builder.Configuration.GetValue("Inspections:Sweep:Enabled", true))
            builder.Services.AddHostedService(s => s.GetRequiredService<Duties.DutySweep>());
        if (builder.Configuration.GetValue("Inspections:Sweep:Enabled", true))
            builder.Services.AddHostedService(s => s.GetRequiredService<RectificationSweep>());

        var app = builder.Build();
        app.MapServiceDefaults();
        app.UsePinganSecurity();
        app.MapGrpcService<InspectionsService>();
        app.MapGrpcService<Duties.DutiesService>();
        app.MapGrpcService<Incidents.IncidentsService>();
        app.MapAuditLog<InspectionsDb>();
        app.MapEventLog<InspectionsDb>(); // ADR 0012: late consumers rebuild from it
        return app;
    }
}
