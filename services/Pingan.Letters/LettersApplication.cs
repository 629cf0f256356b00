using Pingan.EventLog;
using Pingan.Evidence;
using Microsoft.AspNetCore.Builder;
using Pingan.Audit;
using Pingan.Letters.Letters;
using Pingan.Letters.Persistence;
using Pingan.Letters.Templates;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Contracts;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Letters;

/// <summary>How the letters service composes itself; Program.cs runs it, tests start it on free ports.</summary>
public static class LettersApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults("Pingan responsibility letters");
        builder.AddPinganDbContext<LettersDb>("letters");
        builder.AddRequestLedger<LettersDb>();
        builder.AddEvidence("Letters");
        builder.AddPinganMessaging<LettersDb>();
        builder.AddPinganAudit<LettersDb>();
        builder.AddPinganSecurity("letters");
        // Units, leaders and the accountability chain come from the registry, asked on the caller's token.
        var registry = builder.Configuration["Services:Registry:Grpc"]
            ?? throw new InvalidOperationException("Set Services:Registry:Grpc to the registry's gRPC address.");
        builder.Services.AddRegistryAccountabilityChain(new Uri(registry));
        builder.Services.AddRequestValidators(typeof(LettersApplication).Assembly);
        builder.Services.AddScoped<ParentTargets>();
        builder.Services.AddScoped<LetterAccess>();
        builder.Services.AddSingleton<SigningReminderSweep>();
        builder.Services.AddScrapeProbe<LetterGauges>();
        builder.Services.AddHostedService(s => s.GetRequiredService<SigningReminderSweep>());

        var app = builder.Build();
        app.MapServiceDefaults();
        app.UsePinganSecurity();
        app.MapGrpcService<TemplatesService>();
        app.MapGrpcService<LettersService>();
        app.MapGrpcService<SigningKeysService>();
        app.MapEventLog<LettersDb>(); // ADR 0012: late consumers rebuild from it
        app.MapGrpcService<Reporting.ProgressService>();
        app.MapAuditLog<LettersDb>();
        return app;
    }
}
