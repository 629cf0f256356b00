using Grpc.Core;
using Pingan.Inspections.Api;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Inspections.Tests;

/// <summary>Incident reports (Art. 7(4), 31(3)-(5)) in writing (Art. 38): who had to report, who chose to, and how soon.</summary>
public sealed class IncidentTests : InspectionsTest
{
    private Api.Incidents.IncidentsClient Incidents(string jurisdiction, string role = PinganRoles.CommissionOffice, string? unit = null) =>
        new(TestAuthority.As(Host.Channel, Authority.Token(jurisdiction, [role], $"{role}-of-{unit ?? jurisdiction}", unit)));

    private static ReportIncidentRequest MassIncident(string reporter, string occurredAt = "2026-09-22T09:30:00+08:00") => new()
    {
        Category = IncidentCategory.MassIncident, OccurredAt = occurredAt, PlaceCode = Zhongyuan, Severity = FindingSeverity.Serious,
        Summary = "中原区某小区业主聚集堵路,约200人", ReporterUnitCode = reporter,
    };

    [Fact]
    public async Task A_member_unit_must_report_other_units_and_individuals_may_and_the_record_keeps_which_Art38()
    {
        // 10:00 Beijing time; the incident happened at 9:30.
        var psb = Incidents(Zhengzhou, PinganRoles.MemberUnitLiaison, ZhengzhouPsb);
        var byMember = await psb.ReportIncidentAsync(MassIncident(ZhengzhouPsb));
        Assert.Equal(("MUST", "郑州市公安局", 30, false, "Art. 7(4), 31(4)"), (byMember.Duty, byMember.ReporterName, byMember.MinutesToReport, byMember.Late, byMember.Articles));
        // 二七区 sits on no commission: it may report, and it does, on an incident of its own.
        var other = MassIncident(Erqi);
        other.PlaceCode = Erqi;
        Assert.Equal("MAY", (await Incidents(Erqi).ReportIncidentAsync(other)).Duty);
        // An individual's written report, registered by the city's office; four hours after the incident: late.
        var person = MassIncident("", "2026-09-22T06:00:00+08:00");
        person.ReporterName = "张某(群众来信)";
        var byPerson = await Incidents(Zhengzhou).ReportIncidentAsync(person);
        Assert.Equal(("MAY", "张某(群众来信)", true), (byPerson.Duty, byPerson.ReporterName, byPerson.Late));
        // 中原区 lists the two of its own; Kaifeng reads none of them.
        Assert.Equal(2, (await Incidents(Zhongyuan).ListIncidentsAsync(new ListIncidentsRequest { UnitCode = Zhongyuan })).Incidents.Count);
        await Refused(() => Incidents(Kaifeng).GetIncidentAsync(new GetIncidentRequest { IncidentId = byMember.IncidentId }).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task Bad_incident_reports_name_their_field_and_a_unit_never_reports_as_another()
    {
        Assert.Equal(["occurred_at"], Fields(await Refused(() => Incidents(Zhengzhou).ReportIncidentAsync(MassIncident(Zhengzhou, "2026-09-23T09:30:00+08:00")).ResponseAsync, StatusCode.InvalidArgument)));
        Assert.Equal(["reporter_name"], Fields(await Refused(() => Incidents(Zhengzhou).ReportIncidentAsync(MassIncident("")).ResponseAsync, StatusCode.InvalidArgument)));
        var unknown = MassIncident(Zhengzhou);
        unknown.Category = IncidentCategory.Unspecified;
        Assert.Equal(["category"], Fields(await Refused(() => Incidents(Zhengzhou).ReportIncidentAsync(unknown).ResponseAsync, StatusCode.InvalidArgument)));
        // 二七区's office reports as the city's bureau.
        await Refused(() => Incidents(Erqi).ReportIncidentAsync(MassIncident(ZhengzhouPsb)).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Empty((await Incidents(Zhengzhou).ListIncidentsAsync(new ListIncidentsRequest { UnitCode = Zhengzhou })).Incidents);
    }
}
