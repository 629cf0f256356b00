namespace Pingan.Security;

/// <summary>
/// Token audiences (issue 11): each service accepts only tokens naming its own, <c>pingan-{service}</c>. The
/// identity service grants them by scope: <c>pingan</c> for the whole platform, <c>pingan.{service}</c> for one
/// service and those it calls on the caller's token (the registry, for every other service).
/// </summary>
public static class Audiences
{
    public static string Of(string service) => "pingan-" + service;

    /// <summary>Every service of the platform, in the order they were built; a new service is added here.</summary>
    public static readonly string[] Services = ["identity", "registry", "letters", "sanctions", "inspections", "assessments", "archives"];

    /// <summary>What each service calls on its caller's token: a token for it must be good there too.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Calls = new Dictionary<string, string[]>
    {
        ["letters"] = ["registry"],
        ["sanctions"] = ["registry", "inspections"],
        ["inspections"] = ["registry"],
        ["assessments"] = ["registry"],
    };

    /// <summary>The audiences a token granted <paramref name="scopes"/> carries.</summary>
    public static string[] ForScopes(IEnumerable<string> scopes)
    {
        var services = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            if (scope == "pingan") services.UnionWith(Services);
            else if (scope.StartsWith("pingan.", StringComparison.Ordinal) && Services.Contains(scope["pingan.".Length..]))
            {
                var service = scope["pingan.".Length..];
                services.Add(service);
                services.UnionWith(Calls.GetValueOrDefault(service, []));
            }
        }
        return [.. services.Select(Of)];
    }

    /// <summary>The scopes the identity service knows: the platform's and one per service.</summary>
    public static IEnumerable<string> Scopes => Services.Select(s => "pingan." + s).Prepend("pingan");
}
