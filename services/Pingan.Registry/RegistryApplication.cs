using Pingan.EventLog;
using Microsoft.AspNetCore.Builder;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Access;
using Pingan.Registry.Commissions;
using Pingan.Security;
using Pingan.Registry.Integration;
using Pingan.Registry.Leadership;
using Pingan.Registry.Persistence;
using Pingan.Registry.Seed;
using Pingan.Registry.Units;
using Pingan.ServiceDefaults;

namespace Pingan.Registry;

/// <summary>How the registry composes itself; Program.cs runs it, tests start it on free ports.</summary>
public static class RegistryApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults("Pingan organisation registry");
        builder.AddPinganDbContext<RegistryDb>("registry");
        builder.AddRequestLedger<RegistryDb>();
        builder.AddPinganMessaging<RegistryDb>(bus =>
        {
            bus.AddConsumer<SanctionCaseOpening>();
            bus.AddConsumer<SanctionCaseClosing>();
        });
        builder.AddPinganAudit<RegistryDb>();
        builder.AddPinganSecurity("registry");
        builder.Services.AddSingleton<ChainCache>();
        builder.Services.AddScoped<IAccountabilityChain, RegistryChain>();
        builder.Services.AddScoped<RegistryAccess>();
        builder.Services.AddScoped<HistoryCorrections>();
        builder.Services.AddRequestValidators(typeof(RegistryApplication).Assembly);
        builder.Services.AddScoped<CommissionQueries>();
        builder.Services.AddScoped<DemoSeed>();
        builder.Services.AddSingleton<IServiceStep, DemoSeedStep>();

        var app = builder.Build();
        app.MapServiceDefaults();
        app.UsePinganSecurity();
        app.MapGrpcService<UnitsService>();
        app.MapGrpcService<LeadershipService>();
        app.MapGrpcService<CommissionsService>();
        app.MapEventLog<RegistryDb>(); // ADR 0012: late consumers rebuild from it
        app.MapGrpcService<IntegrationService>();
        app.MapAuditLog<RegistryDb>();
        return app;
    }
}
