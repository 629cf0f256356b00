namespace Pingan.Portal;

/// <summary>
/// <c>Portal:*</c>: where the identity service and the business services are. The portal is a confidential client of
/// the identity service (<c>pingan-portal</c>, registered by the identity service's migrate step from
/// <c>Identity:Portal:*</c>); tokens stay on the server, the browser holds a cookie that names its session.
/// </summary>
public sealed class PortalOptions
{
    /// <summary>The identity service's issuer, e.g. https://id.pingan.example/.</summary>
    public string Authority { get; set; } = "";
    public string ClientId { get; set; } = "pingan-portal";
    public string ClientSecret { get; set; } = "";
    /// <summary>Off on loopback only (./platform up, tests), where there is no TLS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>gRPC addresses of the services, e.g. <c>Portal:Services:Sanctions</c> = http://sanctions:8081.</summary>
    public ServiceAddresses Services { get; set; } = new();

    public sealed class ServiceAddresses
    {
        public string Registry { get; set; } = "";
        public string Letters { get; set; } = "";
        public string Sanctions { get; set; } = "";
        public string Inspections { get; set; } = "";
        public string Assessments { get; set; } = "";
        public string Archives { get; set; } = "";
    }

    public IEnumerable<string> Problems()
    {
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out _)) yield return "Portal:Authority must be the identity service's issuer URL";
        if (ClientSecret.Length < 24) yield return "Portal:ClientSecret must be at least 24 characters";
        foreach (var (name, value) in new[] { ("Registry", Services.Registry), ("Letters", Services.Letters), ("Sanctions", Services.Sanctions),
                     ("Inspections", Services.Inspections), ("Assessments", Services.Assessments), ("Archives", Services.Archives) })
            if (!Uri.TryCreate(value, UriKind.Absolute, out _)) yield return $"Portal:Services:{name} must be the service's gRPC address";
    }
}
