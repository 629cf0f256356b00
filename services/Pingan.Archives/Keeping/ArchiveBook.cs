using System.Globalization;
using Npgsql;
using Pingan.Archives.Feed;
using Pingan.Archives.Persistence;
using Pingan.Persistence;
using Api = Pingan.Archives.Api;

namespace Pingan.Archives.Keeping;

/// <summary>
/// A post as the archives read it: the registry's term, its unit, the localities and units whose records count for
/// the holder (<see cref="Led"/>) and the level keeping the archive for it (<see cref="Keeper"/>, empty when the
/// post is not archived). Reading 17 (docs/regulation/archives.md) says how both are found.
/// </summary>
public sealed record Post(Guid TermId, string UnitCode, string UnitName, string Role, string? Portfolio, string? Title,
    DateOnly StartsOn, DateOnly? EndsOn, string? CadreAuthority, bool ComprehensiveManagement, string Keeper, string[] Led)
{
    public bool Archived => Keeper.Length > 0;
    public bool Holds(DateOnly day) => StartsOn <= day && (EndsOn is null || EndsOn >= day);
    public bool Overlaps(DateOnly from, DateOnly to) => StartsOn <= to && (EndsOn is null || EndsOn >= from);
}

/// <summary>A leader's posts and name, as the registry's events tell them.</summary>
public sealed record Leader(Guid Id, string Name, IReadOnlyList<Post> Posts)
{
    /// <summary>The posts held on the day; when none, the last post held before it (someone between posts is still within the authority that managed them last).</summary>
    public IReadOnlyList<Post> PostsFor(DateOnly day)
    {
        var held = Posts.Where(p => p.Holds(day)).ToList();
        if (held.Count > 0) return held;
        return Posts.Where(p => p.StartsOn <= day).OrderByDescending(p => p.EndsOn).ThenByDescending(p => p.StartsOn).Take(1).ToList();
    }
}

/// <summary>Reads archives from the read model the events built: posts, the facts that count for them, the grades.</summary>
public sealed class ArchiveBook(ArchivesDb db)
{
    /// <summary>
    /// Reading 17: a post in a party committee or government counts for that organ and its jurisdiction, and is kept by the
    /// level the jurisdiction answers to (下级党委、政府); a post in any other organ of a level (a member unit) counts for
    /// that unit and is kept by the level itself (本级综治委成员单位); a post in a jurisdiction itself, by the level above.
    /// </summary>
    private const string Keeper =
        "CASE WHEN u.kind IN ('PartyCommittee', 'Government') THEN COALESCE(p.answers_to_code, p.parent_code) ELSE COALESCE(u.answers_to_code, u.parent_code) END";

    /// <summary>Art. 22 "主要负责同志和分管负责同志": the principal, and the in-charge leader for comprehensive management (reading 4).</summary>
    private const string ArchivedRole = "(t.role = 'Principal' OR (t.role = 'InCharge' AND t.comprehensive_management))";

    private const string PostColumns =
        $"""
        SELECT t.term_id, t.leader_id, t.leader_name, t.unit_code, t.role, t.portfolio, t.title, t.starts_on, t.ends_on, t.cadre_authority_code,
               t.comprehensive_management, t.previous_term_id, COALESCE(u.name, ''), COALESCE(u.kind, ''), u.parent_code, {Keeper}
        FROM terms t LEFT JOIN units u ON u.code = t.unit_code LEFT JOIN units p ON p.code = u.parent_code
        """;

    public async Task<Leader?> LeaderAsync(Guid id, CancellationToken ct) => (await LeadersAsync([id], ct)).GetValueOrDefault(id);

    public async Task<Dictionary<Guid, Leader>> LeadersAsync(Guid[] ids, CancellationToken ct)
    {
        var rows = new List<TermRow>();
        await db.ReadAsync($"{PostColumns} WHERE t.leader_id = ANY($1)", [ids], r => rows.Add(new TermRow(r.GetGuid(0), r.GetGuid(1), Str(r, 2), r.GetString(3),
            r.GetString(4), Str(r, 5), Str(r, 6), Day(r, 7), Day(r, 8), Str(r, 9), r.GetBoolean(10), r.IsDBNull(11) ? null : r.GetGuid(11), r.GetString(12),
            r.GetString(13), Str(r, 14), Str(r, 15))), ct);
        var byTerm = rows.ToDictionary(r => r.Term);
        // A term begun by a role change keeps the previous term's title and cadre authority (the registry carries them over).
        string? Carried(Guid? previous, Func<TermRow, string?> field)
        {
            for (var hops = 0; previous is { } id && byTerm.TryGetValue(id, out var row) && hops < 16; hops++, previous = row.Previous)
                if (field(row) is { } value) return value;
            return null;
        }
        var leaders = new Dictionary<Guid, Leader>();
        foreach (var group in rows.GroupBy(r => r.Leader))
        {
            var posts = new List<Post>();
            foreach (var r in group.Where(r => r.Starts is not null))
            {
                var archived = r.Role == "Principal" || (r.Role == "InCharge" && r.Cm);
                var organ = r.Kind is "PartyCommittee" or "Government";
                string[] led = organ && r.Parent is { } jurisdiction ? [r.Unit, jurisdiction] : [r.Unit];
                posts.Add(new Post(r.Term, r.Unit, r.UnitName, r.Role, r.Portfolio, r.Title ?? Carried(r.Previous, x => x.Title), r.Starts!.Value, r.Ends,
                    r.Authority ?? Carried(r.Previous, x => x.Authority), r.Cm, archived ? r.Keeper ?? "" : "", led));
            }
            var name = group.Where(r => r.Name is not null).OrderByDescending(r => r.Starts).Select(r => r.Name!).FirstOrDefault() ?? "";
            leaders[group.Key] = new Leader(group.Key, name, [.. posts.OrderByDescending(p => p.StartsOn).ThenBy(p => p.TermId)]);
        }
        return leaders;
    }

    /// <summary>A term as read, with its unit's name, kind and parent and the keeper the unit's standing gives it.</summary>
    private sealed record TermRow(Guid Term, Guid Leader, string? Name, string Unit, string Role, string? Portfolio, string? Title, DateOnly? Starts,
        DateOnly? Ends, string? Authority, bool Cm, Guid? Previous, string UnitName, string Kind, string? Parent, string? Keeper);

    /// <summary>The leaders with an archived post kept by <paramref name="keeper"/>, by id after <paramref name="after"/>.</summary>
    public async Task<List<Guid>> KeptByAsync(string keeper, string nameContains, Guid after, int take, CancellationToken ct)
    {
        var ids = new List<Guid>();
        await db.ReadAsync($"""
            SELECT DISTINCT t.leader_id FROM terms t JOIN units u ON u.code = t.unit_code LEFT JOIN units p ON p.code = u.parent_code
            WHERE {Keeper} = $1 AND {ArchivedRole} AND t.starts_on IS NOT NULL AND t.leader_id > $2
              AND ($3 = '' OR EXISTS (SELECT 1 FROM terms n WHERE n.leader_id = t.leader_id AND strpos(n.leader_name, $3) > 0))
            ORDER BY t.leader_id LIMIT $4
            """, [keeper, after, nameContains, take], r => ids.Add(r.GetGuid(0)), ct);
        return ids;
    }

    /// <summary>The archive as it stood on <paramref name="asOf"/>: the posts begun by then and the facts dated by then.</summary>
    public async Task<Api.Archive> ArchiveAsync(Leader leader, DateOnly asOf, CancellationToken ct)
    {
        var reads = new RawReads();
        var archive = ArchiveReads(reads, leader, asOf);
        await reads.RunAsync(db, ct);
        return archive();
    }

    /// <summary>Adds the archive's reads to <paramref name="reads"/>; once they ran, the function answers the archive.</summary>
    public Func<Api.Archive> ArchiveReads(RawReads reads, Leader leader, DateOnly asOf)
    {
        var posts = leader.Posts.Where(p => p.StartsOn <= asOf).Select(p => p with { EndsOn = p.EndsOn > asOf ? null : p.EndsOn }).ToList();
        var archived = posts.Where(p => p.Archived).ToList();
        var led = archived.SelectMany(p => p.Led).Distinct().ToArray();
        var entries = new List<(Api.ArchiveEntry Entry, string Category)>();
        // The localities' and units' facts, each counted once for the leader if they led the unit when it happened (or in its year).
        reads.Add("""
            SELECT r.unit_code, COALESCE(u.name, ''), r."on", r.year, r.spans_year, r.category, r.kind, r.summary, r.reference, r.value
            FROM unit_records r LEFT JOIN units u ON u.code = r.unit_code WHERE r.unit_code = ANY($1) AND r."on" <= $2
            """, [led, asOf], r =>
        {
            var (unit, on, year, spans) = (r.GetString(0), r.GetFieldValue<DateOnly>(2), r.GetInt32(3), r.GetBoolean(4));
            var counts = archived.Any(p => p.Led.Contains(unit) && (spans ? p.Overlaps(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31)) : p.Holds(on)));
            if (counts)
                entries.Add(Fact(on, year, unit, r.GetString(1), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), false,
                    r.IsDBNull(9) ? null : r.GetDecimal(9)));
        });
        reads.Add("""
            SELECT r.unit_code, COALESCE(u.name, ''), r."on", r.year, r.category, r.kind, r.summary, r.reference
            FROM person_records r LEFT JOIN units u ON u.code = r.unit_code WHERE r.leader_id = $1 AND r."on" <= $2
            """, [leader.Id, asOf], r => entries.Add(Fact(r.GetFieldValue<DateOnly>(2), r.GetInt32(3), r.GetString(0), r.GetString(1), r.GetString(4),
            r.GetString(5), r.GetString(6), r.GetString(7), true, null)));
        // Art. 32, 39: the referrals naming the leader and the departments' outcomes known by the day.
        reads.Add("""
            SELECT f.subject_code, COALESCE(u.name, ''), f.referred_on, f.measure, f.department, f.outcome, f.decided_on, f.case_id, f.referral_id
            FROM referrals f LEFT JOIN units u ON u.code = f.subject_code WHERE $1 = ANY(f.leader_ids) AND f.referred_on <= $2
            """, [leader.Id, asOf], r =>
        {
            var on = r.GetFieldValue<DateOnly>(2);
            var decided = r.IsDBNull(6) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(6);
            var outcome = decided <= asOf && !r.IsDBNull(5) ? $",{r.GetString(4)}处理结果({decided:yyyy-MM-dd}):{r.GetString(5)}" : ",处理结果待反馈";
            entries.Add(Fact(on, on.Year, r.GetString(0), r.GetString(1), Category.Sanction, "REFERRAL", $"因 {r.GetString(1)} 案件移送{r.GetString(4)}({r.GetString(3)}){outcome}",
                $"sanctions/case/{r.GetGuid(7)}/referral/{r.GetGuid(8)}", true, null));
        });
        var grades = GradesReads(reads, leader.Id, asOf);
        return () => Build(leader, asOf, posts, archived, entries, grades);
    }

    private static Api.Archive Build(Leader leader, DateOnly asOf, List<Post> posts, List<Post> archived, List<(Api.ArchiveEntry Entry, string Category)> entries,
        List<Api.YearlyGrade> grades)
    {
        var archive = new Api.Archive { LeaderId = leader.Id.ToString(), Name = leader.Name, AsOf = Text(asOf) };
        archive.Posts.AddRange(posts.Select(ToApi));
        archive.KeeperCodes.AddRange(archived.Select(p => p.Keeper).Distinct().Order(StringComparer.Ordinal));
        var years = entries.Select(e => e.Entry.Year).Concat(grades.Select(g => g.Year))
            .Concat(archived.SelectMany(p => Enumerable.Range(p.StartsOn.Year, (p.EndsOn ?? asOf).Year - p.StartsOn.Year + 1)))
            .Where(y => y <= asOf.Year).Distinct().OrderDescending();
        foreach (var year in years)
        {
            var these = entries.Where(e => e.Entry.Year == year).OrderBy(e => e.Entry.On, StringComparer.Ordinal)
                .ThenBy(e => e.Entry.Reference, StringComparer.Ordinal).ThenBy(e => e.Entry.Kind, StringComparer.Ordinal).ToList();
            var y = new Api.ArchiveYear { Year = year, Duties = Figures([.. these.Select(e => e.Entry)]) };
            y.DutyRecords.AddRange(these.Where(e => e.Category == Category.Duty).Select(e => e.Entry));
            y.Rewards.AddRange(these.Where(e => e.Category == Category.Reward).Select(e => e.Entry));
            y.Sanctions.AddRange(these.Where(e => e.Category == Category.Sanction).Select(e => e.Entry));
            y.Assessments.AddRange(these.Where(e => e.Category == Category.Assessment).Select(e => e.Entry));
            y.Grades.AddRange(grades.Where(g => g.Year == year));
            archive.Years.Add(y);
        }
        return archive;
    }

    public async Task<string> UnitNameAsync(string code, CancellationToken ct)
    {
        var name = "";
        await db.ReadAsync("SELECT name FROM units WHERE code = $1", [code], r => name = r.GetString(0), ct);
        return name.Length > 0 ? name : code;
    }

    /// <summary>The grades set by the end of the day, for the years up to it.</summary>
    private static List<Api.YearlyGrade> GradesReads(RawReads reads, Guid leader, DateOnly asOf)
    {
        var end = Pingan.Time.ChinaTime.EndOfDay(asOf).ToUniversalTime();
        var grades = new List<Api.YearlyGrade>();
        reads.Add("""
            SELECT year, keeper_code, grade, reasons, set_by, set_at FROM yearly_grades WHERE leader_id = $1 AND year <= $2 AND set_at < $3
            ORDER BY year DESC, keeper_code
            """, [leader, asOf.Year, end], r => grades.Add(new Api.YearlyGrade
        {
            LeaderId = leader.ToString(), Year = r.GetInt32(0), KeeperCode = r.GetString(1), Grade = Enum.Parse<Api.ArchiveGrade>(r.GetString(2)),
            Reasons = r.GetString(3), SetBy = r.GetString(4), SetAt = r.GetFieldValue<DateTimeOffset>(5).ToString("O", CultureInfo.InvariantCulture),
        }));
        return grades;
    }

    private static (Api.ArchiveEntry, string) Fact(DateOnly on, int year, string unit, string unitName, string category, string kind, string summary, string reference,
        bool personal, decimal? value) =>
        (new Api.ArchiveEntry
        {
            On = Text(on), Year = year, UnitCode = unit, UnitName = unitName, Kind = kind, Summary = summary, Reference = reference, Personal = personal,
            Value = value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "",
        }, category);

    private static Api.DutyFigures Figures(List<Api.ArchiveEntry> e)
    {
        var completions = e.Where(x => x.Kind == "LETTER_COMPLETED" && x.Value.Length > 0).Select(x => decimal.Parse(x.Value, CultureInfo.InvariantCulture)).ToList();
        return new Api.DutyFigures
        {
            LettersSigned = e.Count(x => x.Kind == "LETTER_SIGNED"), LettersCompleted = completions.Count,
            MeanCompletion = completions.Count > 0 ? (completions.Sum() / completions.Count).ToString("0.00", CultureInfo.InvariantCulture) : "",
            ReportingDutiesSubmitted = e.Count(x => x.Kind == "REPORTING_DUTY_SUBMITTED"),
            ReportingDutiesLate = e.Count(x => x.Kind == "REPORTING_DUTY_SUBMITTED" && x.Value is { Length: > 0 } v && v != "0"),
            ReportingDutiesMissed = e.Count(x => x.Kind == "REPORTING_DUTY_MISSED"), InspectionFindings = e.Count(x => x.Kind == "INSPECTION_FINDING"),
            RectificationsOverdue = e.Count(x => x.Kind == "RECTIFICATION_OVERDUE"),
        };
    }

    public static Api.Post ToApi(Post p)
    {
        var post = new Api.Post
        {
            TermId = p.TermId.ToString(), UnitCode = p.UnitCode, UnitName = p.UnitName, Role = Role(p.Role), Portfolio = p.Portfolio ?? "", Title = p.Title ?? "",
            StartsOn = Text(p.StartsOn), EndsOn = p.EndsOn is { } e ? Text(e) : "", ComprehensiveManagement = p.ComprehensiveManagement,
            CadreAuthorityCode = p.CadreAuthority ?? "", KeeperCode = p.Keeper,
        };
        if (p.Archived) post.LedCodes.AddRange(p.Led);
        return post;
    }

    private static string Role(string role) => role switch { "Principal" => "PRINCIPAL", "InCharge" => "IN_CHARGE", "DualDuty" => "DUAL_DUTY", _ => role.ToUpperInvariant() };

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateOnly? Day(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
}
