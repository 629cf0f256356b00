using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Pingan.Sanctions.Cases;

public static class CaseMapping
{
    /// <summary>The case file's details keep Chinese text readable.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static string Status(CaseStatus status) => status switch
    {
        CaseStatus.AcceptanceRequested => "ACCEPTANCE_REQUESTED",
        CaseStatus.AcceptancePrechecked => "ACCEPTANCE_PRECHECKED",
        CaseStatus.VetoReferred => "VETO_REFERRED",
        _ => status.ToString().ToUpperInvariant(),
    };

    public static Api.Case ToApi(this SanctionCase c)
    {
        var api = new Api.Case
        {
            CaseId = c.Id.ToString(), SubjectCode = c.SubjectCode, SubjectName = c.SubjectName, Clause = c.Clause,
            Source = Enum.Parse<Api.Source>(c.Source), Severity = (Api.Severity)c.Severity, IncidentOn = c.IncidentOn.ToString("yyyy-MM-dd"),
            Summary = c.Summary, Status = Status(c.Status), Stage = (Api.Stage)c.Stage, ProposedStage = (Api.Stage)c.ProposedStage,
            BodyCode = c.BodyFor(c.Status == CaseStatus.Proposed ? c.ProposedStage : c.Stage == Stage.None ? Stage.Notice : c.Stage),
            EscalationProposed = c.EscalationProposed, EscalationReason = c.EscalationReason ?? "", OpenedAt = c.OpenedAt.ToString("O"),
            ReportedBy = c.ReportedBy ?? "", FollowUpLeader = c.FollowUpLeaderName ?? "", FollowUpCode = c.FollowUpCode ?? "", ListingCode = c.UpperCode, ListingInForce = c.ListingInForce,
            ListingAcceptance = c.ListingAcceptance is { } acceptance ? Status(acceptance) : "", SourceReference = c.SourceReference ?? "",
        };
        api.EvidenceLinks.AddRange(c.EvidenceLinks);
        api.Deadlines.AddRange(c.Deadlines.Where(d => d.Round == c.Round && d.Kind is DeadlineKind.MeasuresDue or DeadlineKind.ProgressDue or DeadlineKind.RectificationEnds or DeadlineKind.AcceptanceGraceEnds)
            .OrderBy(d => d.DueOn).ThenBy(d => d.Kind)
            .Select(d => new Api.Deadline
            {
                Kind = d.Kind.ToString(), DueOn = d.DueOn.ToString("yyyy-MM-dd"), Provisional = d.Provisional,
                State = d.CancelledAt is not null ? "CANCELLED" : d.Outcome is null ? "PENDING" : d.Outcome.ToUpperInvariant(),
            }));
        api.Interviewees.AddRange(c.Interviewees.Where(i => i.Round == c.Round).Select(i => new Api.Leader
        {
            LeaderId = i.LeaderId.ToString(), Name = i.Name, UnitCode = i.UnitCode,
            Role = i.Role switch
            {
                "Principal" => "PRINCIPAL", "InCharge" => "IN_CHARGE", "PrincipalAtIncident" => "PRINCIPAL_AT_INCIDENT",
                "InChargeAtIncident" => "IN_CHARGE_AT_INCIDENT", _ => "OTHER",
            },
        }));
        api.Circumstances.AddRange(c.Circumstances.OrderBy(x => x.RecordedAt).Select(x => new Api.CircumstanceRecord
        {
            Circumstance = Enum.Parse<Api.Circumstance>(x.Kind), Clause = x.Clause, Aggravating = x.Aggravating, Description = x.Description,
            Evidence = x.Evidence, RecordedAt = x.RecordedAt.ToString("O"),
        }));
        api.JointMeetings.AddRange(c.JointMeetings.OrderBy(m => m.HeldOn).ThenBy(m => m.RecordedAt).Select(m =>
        {
            var meeting = new Api.JointMeetingRecord
            {
                JointMeetingId = m.Id.ToString(), HeldOn = m.HeldOn.ToString("yyyy-MM-dd"), ProposesListing = m.ProposesListing, Minutes = m.Minutes,
                RecordedAt = m.RecordedAt.ToString("O"),
            };
            using var attendees = JsonDocument.Parse(m.Attendees);
            meeting.Attendees.AddRange(attendees.RootElement.EnumerateArray().Select(a => new Api.Attendee
            {
                Department = Enum.Parse<Api.Department>(a.GetProperty("department").GetString()!), Name = a.GetProperty("name").GetString() ?? "",
                UnitCode = a.GetProperty("unitCode").GetString() ?? "",
            }));
            return meeting;
        }));
        api.DecisionTrace.AddRange(c.DecisionTrace);
        api.Distribution.AddRange(c.Distribution.Where(d => d.Round == c.Round).OrderBy(d => d.Copy).ThenBy(d => d.Role).ThenBy(d => d.UnitCode)
            .Select(d => new Api.Recipient { UnitCode = d.UnitCode, UnitName = d.UnitName, Role = d.Role, Copy = d.Copy }));
        api.Referrals.AddRange(c.Referrals.OrderBy(r => r.CreatedAt).Select(r =>
        {
            var state = new Api.ReferralState
            {
                ReferralId = r.Id.ToString(), Measure = (Api.Measure)r.Measure, Department = r.Department, Attempts = r.Attempts,
                Status = r.Outcome is not null ? "DECIDED" : r.AcknowledgedAt is not null ? "ACKNOWLEDGED" : "PENDING",
                Reference = r.Reference ?? "", Outcome = r.Outcome ?? "", OutcomeOn = r.OutcomeOn?.ToString("yyyy-MM-dd") ?? "",
            };
            using var leaders = JsonDocument.Parse(r.Leaders);
            state.Leaders.AddRange(leaders.RootElement.EnumerateArray().Select(l => l.GetProperty("name").GetString() ?? ""));
            return state;
        }));
        return api;
    }
}
