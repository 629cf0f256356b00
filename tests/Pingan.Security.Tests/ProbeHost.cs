using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Audit;
using Pingan.Persistence;
using Pingan.Registry.Contracts;
using Pingan.ServiceDefaults;
using Pingan.Security.Tests.Probe;

namespace Pingan.Security.Tests;

/// <summary>A service composed like the real ones: defaults, audit, security, one guarded method.</summary>
public static class ProbeApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure(builder);
        builder.AddServiceDefaults("Probe");
        builder.AddPinganDbContext<ProbeDb>("probe");
        builder.AddPinganAudit<ProbeDb>();
        builder.AddPinganSecurity("registry"); // the probe stands where a service would: tokens for the platform reach it
        // The chain from a real registry when the test names one, else a fixed small tree.
        if (builder.Configuration["Probe:Registry"] is { } registry) builder.Services.AddRegistryAccountabilityChain(new Uri(registry));
        else builder.Services.AddSingleton<IAccountabilityChain, SmallTree>();
        // The "other service" is this one again, at the gRPC address the test gives.
        builder.Services.AddPinganGrpcClient<Probe.Probe.ProbeClient>(new Uri(builder.Configuration["Probe:Downstream"] ?? builder.Configuration["Kestrel:Endpoints:Grpc:Url"]!));
        var app = builder.Build();
        app.MapServiceDefaults();
        app.UsePinganSecurity();
        app.MapGrpcService<ProbeService>();
        app.MapAuditLog<ProbeDb>();
        return app;
    }
}

public sealed class ProbeDb(DbContextOptions<ProbeDb> options) : PinganDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddAuditTrail();
        base.OnModelCreating(modelBuilder);
    }
}

public sealed class ProbeService(JurisdictionGuard guard, Probe.Probe.ProbeClient downstream) : Probe.Probe.ProbeBase
{
    public override async Task<LookReply> Relay(LookRequest request, ServerCallContext context) =>
        await downstream.LookAsync(request, cancellationToken: context.CancellationToken);

    public override async Task<LookReply> Look(LookRequest request, ServerCallContext context)
    {
        await guard.ReadBelowAsync(request.Code, context.CancellationToken);
        return new LookReply { Subject = guard.Caller.Subject, Jurisdiction = guard.Caller.Jurisdiction };
    }
}

/// <summary>Whom each unit answers to, as the registry would say for part of Henan (巩义 answers to the province, 省直管县: the province's administrative arrangement, not Art. 42).</summary>
public sealed class SmallTree : IAccountabilityChain
{
    private static readonly Dictionary<string, string?> AnswersTo = new()
    {
        ["410000000000"] = null,
        ["410100000000"] = "410000000000",
        ["410102000000"] = "410100000000",
        ["410102000000-PSB"] = "410102000000",
        ["410181000000"] = "410000000000",
    };

    public Task<IReadOnlyList<string>?> ChainAsync(string unitCode, CancellationToken ct)
    {
        if (!AnswersTo.ContainsKey(unitCode)) return Task.FromResult<IReadOnlyList<string>?>(null);
        var chain = new List<string>();
        for (string? c = unitCode; c is not null; c = AnswersTo[c]) chain.Add(c);
        return Task.FromResult<IReadOnlyList<string>?>(chain);
    }
}
