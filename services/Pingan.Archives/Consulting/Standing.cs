using Pingan.Archives.Keeping;
using Pingan.Archives.Persistence;
using Pingan.Persistence;
using Api = Pingan.Archives.Api;

namespace Pingan.Archives.Consulting;

/// <summary>
/// What stands against a leader on a day (reading 18, docs/regulation/archives.md): the listings in force that day over a
/// unit the leader answers for that day, or that named them when decided (Art. 35 ¶4); the vetoes decided in the day's
/// year, by that day, of a unit the leader answered for in that year (Art. 37); the cases open that day against the
/// units the leader leads.
/// </summary>
public static class Standing
{
    /// <summary>Adds the day's reads to <paramref name="reads"/>; the lists fill as they run.</summary>
    public static (List<Api.Disqualification> Disqualifications, List<Api.OpenCase> OpenCases) Reads(RawReads reads, Leader leader, DateOnly day)
    {
        var archived = leader.Posts.Where(p => p.Archived).ToList();
        var leadsToday = archived.Where(p => p.Holds(day)).SelectMany(p => p.Led).Distinct().ToArray();
        var yearStart = new DateOnly(day.Year, 1, 1);
        var ledInYear = archived.Where(p => p.Overlaps(yearStart, day)).SelectMany(p => p.Led).Distinct().ToArray();
        var result = new List<Api.Disqualification>();

        reads.Add("""
            SELECT d.case_id, d.unit_code, COALESCE(u.name, ''), d.starts_on, d.ends_on, $2 = ANY(d.leader_ids)
            FROM disqualifications d LEFT JOIN units u ON u.code = d.unit_code
            WHERE d.starts_on IS NOT NULL AND d.starts_on <= $3 AND (d.ends_on IS NULL OR d.ends_on >= $3) AND (d.unit_code = ANY($1) OR $2 = ANY(d.leader_ids))
            ORDER BY d.starts_on, d.case_id
            """, [leadsToday, leader.Id, day], r =>
        {
            var (unit, from) = (r.GetString(1), r.GetFieldValue<DateOnly>(3));
            var to = r.IsDBNull(4) ? "" : ArchiveBook.Text(r.GetFieldValue<DateOnly>(4));
            var answers = leadsToday.Contains(unit);
            result.Add(new Api.Disqualification
            {
                Reason = answers ? "LISTED" : "LISTED_RESPONSIBLE", UnitCode = unit, UnitName = r.GetString(2), CaseId = r.GetGuid(0).ToString(), From = ArchiveBook.Text(from), To = to,
                Basis = answers
                    ? $"第三十五条第四款:{r.GetString(2)}挂牌督办期间({ArchiveBook.Text(from)}起),其主要负责人、分管负责人取消评先受奖、晋职晋级资格;该领导干部{ArchiveBook.Text(day)}在任"
                    : $"第三十五条第四款:{r.GetString(2)}挂牌督办决定时,该领导干部被列为负有责任的领导干部",
            });
        });

        reads.Add("""
            SELECT r.reference, r.unit_code, COALESCE(u.name, ''), r."on"
            FROM unit_records r LEFT JOIN units u ON u.code = r.unit_code
            WHERE r.kind = 'VETO' AND r.unit_code = ANY($1) AND r."on" >= $2 AND r."on" <= $3
            ORDER BY r."on", r.reference
            """, [ledInYear, yearStart, day], r =>
        {
            // The query reads only the units led in the year by the day (ledInYear): each veto found stands against the leader.
            var (on, unit) = (r.GetFieldValue<DateOnly>(3), r.GetString(1));
            var caseId = r.GetString(0).Split('/')[2];
            result.Add(new Api.Disqualification
            {
                Reason = "VETOED", UnitCode = unit, UnitName = r.GetString(2), CaseId = caseId, From = ArchiveBook.Text(on), To = ArchiveBook.Text(new DateOnly(day.Year, 12, 31)),
                Basis = $"第三十七条:{r.GetString(2)}{on.Year}年度被实行一票否决({ArchiveBook.Text(on)}),该领导干部当年负责该地区、单位的社会治安综合治理工作",
            });
        });

        var open = new List<Api.OpenCase>();
        reads.Add("""
            SELECT c.case_id, c.subject_code, COALESCE(u.name, ''), c.clause, c.opened_on,
                   (SELECT m.kind FROM unit_records m WHERE m.unit_code = c.subject_code AND m."on" <= $2 AND m.key LIKE 'case/' || c.case_id::text || '/%'
                    ORDER BY m."on" DESC, m.sequence DESC LIMIT 1)
            FROM cases c LEFT JOIN units u ON u.code = c.subject_code
            WHERE c.subject_code = ANY($1) AND c.opened_on IS NOT NULL AND c.opened_on <= $2 AND (c.closed_on IS NULL OR c.closed_on > $2)
            ORDER BY c.opened_on, c.case_id
            """, [leadsToday, day], r => open.Add(new Api.OpenCase
        {
            CaseId = r.GetGuid(0).ToString(), SubjectCode = r.GetString(1), SubjectName = r.GetString(2), Clause = r.GetInt32(3), OpenedOn = ArchiveBook.Text(r.GetFieldValue<DateOnly>(4)),
            Stage = r.IsDBNull(5) ? "NONE" : r.GetString(5),
        }));
        return (result, open);
    }
}
