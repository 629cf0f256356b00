using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Registry.Api;
using Pingan.Security;

namespace Pingan.Registry.Contracts;

/// <summary>
/// The accountability chain as another service reads it: from the registry, on the caller's own token (so the
/// registry refuses what the caller may not read), once per unit per request.
/// </summary>
public sealed class RegistryAccountabilityChain(Units.UnitsClient units) : IAccountabilityChain
{
    /// <summary>Ends the chain of a unit the caller may not read; no unit has this code.</summary>
    public const string Hidden = "(not visible)";

    private readonly Dictionary<string, IReadOnlyList<string>?> _read = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<string>?> ChainAsync(string unitCode, CancellationToken ct)
    {
        if (_read.TryGetValue(unitCode, out var known)) return known;
        IReadOnlyList<string>? chain;
        try
        {
            chain = [.. (await units.GetAccountabilityChainAsync(new GetAccountabilityChainRequest { Code = unitCode }, cancellationToken: ct)).Codes];
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            chain = null;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
        {
            // The registry would not show the caller this unit: a chain that reaches no jurisdiction, and that is
            // never mistaken for the root's (a chain of one).
            chain = [unitCode, Hidden];
        }
        return _read[unitCode] = chain;
    }
}

public static class RegistryClientExtensions
{
    /// <summary>
    /// The registry's gRPC clients (carrying the caller's token) and the accountability chain read through them,
    /// for <see cref="JurisdictionGuard"/>: <c>builder.Services.AddRegistryAccountabilityChain(new Uri("http://registry:8081"))</c>.
    /// </summary>
    public static IServiceCollection AddRegistryAccountabilityChain(this IServiceCollection services, Uri registryGrpc)
    {
        services.AddPinganGrpcClient<Units.UnitsClient>(registryGrpc);
        services.AddPinganGrpcClient<Leadership.LeadershipClient>(registryGrpc);
        services.AddPinganGrpcClient<Commissions.CommissionsClient>(registryGrpc);
        services.AddScoped<IAccountabilityChain, RegistryAccountabilityChain>();
        services.AddScoped<RegistryLeaders>();
        return services;
    }
}
