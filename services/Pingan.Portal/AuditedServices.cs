namespace Pingan.Portal;

/// <summary>
/// The services whose audit trails the auditor reads in the portal (each keeps its own, <c>pingan.audit.v1.AuditLog</c>
/// on its gRPC address): one named gRPC client per service.
/// </summary>
public static class AuditedServices
{
    public static readonly (string Code, string Zh, string En)[] All =
    [
        ("sanctions", "责任追究", "Accountability cases"), ("letters", "责任书", "Responsibility letters"),
        ("inspections", "督导检查", "Inspections"), ("assessments", "考核与表彰", "Assessments and commendations"),
        ("archives", "责任档案", "Archives"), ("registry", "组织机构", "Registry"),
    ];

    public static string ClientName(string code) => "audit-" + code;

    public static string AddressOf(PortalOptions.ServiceAddresses services, string code) => code switch
    {
        "sanctions" => services.Sanctions,
        "letters" => services.Letters,
        "inspections" => services.Inspections,
        "assessments" => services.Assessments,
        "archives" => services.Archives,
        "registry" => services.Registry,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not an audited service"),
    };
}
