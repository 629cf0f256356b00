namespace Pingan.Inspections.Duties;

/// <summary>
/// The default schedule (docs/regulation/reporting-duties.md), used for a year the province set none for. Each due day
/// reads the article's words: 年底前 (before year end) is 20 December, leaving the last working days to receive and
/// check; 每半年至少1次 is 30 June and 31 December; 每年至少召开1次 is 31 December.
/// </summary>
public static class DutySchedules
{
    public static DutyRule[] Default(int year) =>
    [
        new() { Year = year, Kind = "member-unit-annual-summary", Title = "成员单位年度工作总结", Article = "Art. 15", Party = DutyParty.MemberUnit, DueDates = ["12-20"] },
        new() { Year = year, Kind = "member-duty-report", Title = "综治委委员述职", Article = "Art. 16", Party = DutyParty.CommissionMember, DueDates = ["12-20"] },
        new() { Year = year, Kind = "commission-annual-report", Title = "向上一级综治委报告年度工作", Article = "Art. 17", Party = DutyParty.Commission, DueDates = ["12-20"], ToCommissionAbove = true },
        new() { Year = year, Kind = "principal-hears-report", Title = "党政主要负责同志听取综治工作汇报", Article = "Art. 9(3)", Party = DutyParty.PrincipalLeaders, DueDates = ["06-30", "12-31"] },
        new() { Year = year, Kind = "commission-plenary", Title = "综治委全体会议或扩大会议", Article = "Art. 25", Party = DutyParty.Commission, DueDates = ["12-31"] },
        new() { Year = year, Kind = "joint-meeting", Title = "五部门联席会议", Article = "Art. 24", Party = DutyParty.Commission, DueDates = ["06-30", "12-31"] },
        new() { Year = year, Kind = "standing-committee-report", Title = "常委会报告执行领导责任制情况、领导干部述职", Article = "Art. 14", Party = DutyParty.StandingCommittee, DueDates = ["12-31"] },
    ];
}
