using Grpc.Core;
using Pingan.ServiceDefaults;

namespace Pingan.Security;

/// <summary>
/// Whom a unit answers to, up to the root: the unit itself, its jurisdiction, that jurisdiction's superior...
/// (answers_to, not the statistical parent: a province-direct county is the province's, not its city's).
/// The registry answers from its own tables; other services ask the registry.
/// </summary>
public interface IAccountabilityChain
{
    /// <summary>The codes from the unit up to the root, or null for a unit that does not exist.</summary>
    Task<IReadOnlyList<string>?> ChainAsync(string unitCode, CancellationToken ct);
}

/// <summary>
/// The accountability chain as SQL over a service's own <c>units</c> table (code, parent_code, answers_to_code): the
/// registry's rule (answers_to, else parent), up to the root, $1 the unit. The registry runs it on its own table; the
/// archives service on the units the registry's events announced.
/// </summary>
public static class UnitChainSql
{
    public const string FromUnit =
        """
        WITH RECURSIVE c(code, answers_to, depth) AS (
            SELECT code, COALESCE(answers_to_code, parent_code), 0 FROM units WHERE code = $1
            UNION ALL
            SELECT u.code, COALESCE(u.answers_to_code, u.parent_code), c.depth + 1 FROM units u JOIN c ON u.code = c.answers_to WHERE c.depth < 32)
        SELECT code FROM c ORDER BY depth
        """;
}

/// <summary>
/// The platform's authorization intents (issue 11). Every handler states which of these it needs; none pairs
/// checks of its own. "Within" means the caller's jurisdiction is on the unit's accountability chain: the unit is
/// the caller's jurisdiction or answers to it, directly or through others. The root (the province) has everything
/// within it. docs/building-blocks/security.md holds the table.
/// <list type="table">
/// <item><term><see cref="ReadOrganisationFactsAsync"/></term><description>units, commissions, leaders' names and roles:
/// within, or one of the units the caller's jurisdiction answers to (a county reads its city's name and commission).</description></item>
/// <item><term><see cref="ReadBusinessRecordAsync"/></term><description>letters, progress, evidence, completions, cases,
/// case files, referrals: the unit the record is about is within, or one of the record's bodies (issuer, competent
/// office) is within. Nothing upward, nothing sideways.</description></item>
/// <item><term><see cref="ActOnUnitAsync"/></term><description>a write: a writer's role, the unit within, and every object
/// the write references within as well.</description></item>
/// <item><term><see cref="ChangeStandingAsync"/></term><description>how a unit answers (parent, answers_to,
/// province-direct, vertical superior, dissolution): as acting on it, and the caller is strictly above the unit;
/// a unit never changes its own standing.</description></item>
/// <item><term><see cref="ActForPersonAsync"/></term><description>enrolling a leader's key, submitting a leader's
/// signature: the office of a unit where the leader holds a current post, and only when every current post of the
/// leader is within the caller's jurisdiction (nobody acts for a leader of a higher level).</description></item>
/// </list>
/// </summary>
public sealed class JurisdictionGuard(CallerAccessor callers, IAccountabilityChain chains)
{
    public Caller Caller => callers.Current;

    // ---- read organisation facts ----

    /// <summary>Read organisation facts about a unit: any platform role; the unit is within the caller's jurisdiction or above it (an unknown unit passes, for the handler's NotFound).</summary>
    public async Task ReadOrganisationFactsAsync(string unitCode, CancellationToken ct)
    {
        EnsureRole();
        // The root's jurisdiction holds every unit there is, and an unknown one passes: no lookup of the unit's chain.
        if ((await OwnChainAsync(ct)).Count == 1) return;
        if (!await MayReadOrganisationFactsAsync(unitCode, ct) && await chains.ChainAsync(unitCode, ct) is not null)
            throw Refused("read organisation facts", $"{unitCode} is neither within your jurisdiction ({Caller.Jurisdiction}) nor one of the units it answers to",
                $"{unitCode} 既不在您的管辖范围（{Caller.Jurisdiction}）内，也不是其上级单位");
    }

    /// <summary>Whether the caller may read organisation facts about the unit (an unknown unit: false).</summary>
    public async Task<bool> MayReadOrganisationFactsAsync(string unitCode, CancellationToken ct)
    {
        var own = await OwnChainAsync(ct);
        if (own.Contains(unitCode)) return true;
        var chain = await chains.ChainAsync(unitCode, ct);
        return chain is not null && (own.Count == 1 || chain.Contains(Caller.Jurisdiction));
    }

    /// <summary>
    /// Read what lies below a unit (its subtree, the letters and cases within it): any platform role; the unit is
    /// within the caller's jurisdiction. A county may not list its city's subtree (its siblings). An unknown unit
    /// passes, so that the handler's NotFound names it.
    /// </summary>
    public async Task ReadBelowAsync(string unitCode, CancellationToken ct)
    {
        EnsureRole();
        if (!await IsWithinOrUnknownAsync(unitCode, ct))
            throw Refused("read below a unit", $"{unitCode} is outside your jurisdiction ({Caller.Jurisdiction})", $"{unitCode} 不在您的管辖范围（{Caller.Jurisdiction}）内");
    }

    // ---- read business records ----

    /// <summary>
    /// Read a business record about <paramref name="aboutUnit"/> (a letter's receiver, a case's subject) issued or
    /// handled by <paramref name="bodies"/> (the issuer, the competent offices): any platform role; the unit or one
    /// of the bodies is within the caller's jurisdiction.
    /// </summary>
    public async Task ReadBusinessRecordAsync(string aboutUnit, CancellationToken ct, params string?[] bodies)
    {
        EnsureRole();
        if (!await MayReadBusinessRecordAsync(aboutUnit, ct, bodies))
        {
            var by = bodies.Where(b => !string.IsNullOrEmpty(b)).ToList();
            throw Refused("read business records", $"the record concerns {aboutUnit}{(by.Count > 0 ? $" (by {string.Join(", ", by)})" : "")}, " +
                $"none of which is within your jurisdiction ({Caller.Jurisdiction}); business records flow downward only",
                $"该记录涉及 {aboutUnit}{(by.Count > 0 ? $"（办理单位 {string.Join("、", by)}）" : "")}，均不在您的管辖范围（{Caller.Jurisdiction}）内；业务记录只向下查阅");
        }
    }

    /// <summary>The per-row test of <see cref="ReadBusinessRecordAsync"/>, for list calls.</summary>
    public async Task<bool> MayReadBusinessRecordAsync(string aboutUnit, CancellationToken ct, params string?[] bodies)
    {
        if (Caller.Roles.Count == 0) return false;
        if (await IsWithinAsync(aboutUnit, ct)) return true;
        foreach (var body in bodies)
            if (!string.IsNullOrEmpty(body) && await IsWithinAsync(body, ct)) return true;
        return false;
    }

    // ---- act on a unit ----

    /// <summary>
    /// A write about a unit: one of <paramref name="roles"/>, the unit within the caller's jurisdiction, and every
    /// unit the write references (a new parent, a vertical superior, a letter's receivers) within it too.
    /// An unknown code passes, so that the handler's NotFound or InvalidArgument names it.
    /// </summary>
    public async Task ActOnUnitAsync(string[] roles, string unitCode, CancellationToken ct, params string?[] referenced)
    {
        EnsureRole(roles);
        foreach (var code in referenced.Prepend(unitCode))
            if (!string.IsNullOrEmpty(code) && !await IsWithinOrUnknownAsync(code, ct))
                throw Refused("act on a unit", $"{code} is outside your jurisdiction ({Caller.Jurisdiction})", $"{code} 不在您的管辖范围（{Caller.Jurisdiction}）内");
    }

    /// <summary>
    /// A change to how a unit answers (its parent, answers_to, province-direct standing, vertical superior, its
    /// dissolution): as <see cref="ActOnUnitAsync"/>, and the caller's jurisdiction is strictly above the unit.
    /// </summary>
    public async Task ChangeStandingAsync(string[] roles, string unitCode, CancellationToken ct, params string?[] referenced)
    {
        EnsureRole(roles);
        if (unitCode == Caller.Jurisdiction || unitCode == Caller.Unit)
            throw Refused("change how a unit answers", $"{unitCode} is your own unit: only the level it answers to, or above, may change its standing",
                $"{unitCode} 是您本单位：只有其上级或更高层级才能变更其隶属关系");
        await ActOnUnitAsync(roles, unitCode, ct, referenced);
    }

    /// <summary>Whether the caller's jurisdiction answers to nobody: the province, which sees the whole tree.</summary>
    public async Task<bool> IsTopLevelAsync(CancellationToken ct) =>
        (await chains.ChainAsync(Caller.Jurisdiction, ct))?.Count == 1;

    /// <summary>PermissionDenied unless the caller's jurisdiction is the root (a province-wide batch, a province-direct standing).</summary>
    public async Task EnsureTopLevelAsync(string intent, CancellationToken ct)
    {
        if (!await IsTopLevelAsync(ct))
            throw Refused(intent, $"this is the province's to do, and your jurisdiction is {Caller.Jurisdiction}", $"此事由省级办理，您的管辖范围是 {Caller.Jurisdiction}");
    }

    // ---- act for a person ----

    /// <summary>
    /// Act for a leader (enrol or revoke their signing key, submit their signature) whose posts are
    /// <paramref name="posts"/> (those held today, or the last one held by someone who has left): the caller's jurisdiction (or own unit) holds one of those posts or is the
    /// jurisdiction that post answers to directly, and every post lies within the caller's jurisdiction: a county
    /// never acts for a city's or the province's leader, even one wrongly given a post in the county.
    /// </summary>
    public async Task ActForPersonAsync(string[] roles, string person, IReadOnlyCollection<string> posts, CancellationToken ct)
    {
        EnsureRole(roles);
        if (posts.Count == 0)
            throw Refused("act for a person", $"{person} has held no post, so no office acts for them", $"{person} 未担任过任何职务，没有单位可代其办理");
        await EnsurePostsWithinAsync("act for a person", person, posts, ct);
        var ownsAPost = false;
        foreach (var post in posts.Distinct())
        {
            var chain = (await chains.ChainAsync(post, ct))!; // known to exist: within the jurisdiction
            ownsAPost |= post == Caller.Jurisdiction || post == Caller.Unit || (chain.Count > 1 && chain[1] == Caller.Jurisdiction);
        }
        if (!ownsAPost)
            throw Refused("act for a person", $"{person} holds no post in your own unit ({Caller.Unit ?? Caller.Jurisdiction}); the office of their unit acts for them",
                $"{person} 未在您本单位（{Caller.Unit ?? Caller.Jurisdiction}）任职，应由其任职单位办理");
    }

    /// <summary>
    /// PermissionDenied under <paramref name="intent"/> unless every one of <paramref name="person"/>'s posts lies
    /// within the caller's jurisdiction: nobody acts for a leader of a higher level (act for a person), nor gives
    /// them another post (act on a unit, when a term binds an existing leader).
    /// </summary>
    public async Task EnsurePostsWithinAsync(string intent, string person, IEnumerable<string> posts, CancellationToken ct)
    {
        foreach (var post in posts.Distinct())
            if (!await IsWithinAsync(post, ct))
                throw Refused(intent, $"{person} holds a post in {post}, outside your jurisdiction ({Caller.Jurisdiction}); only that level acts for them or gives them another",
                    $"{person} 在 {post} 任职，不在您的管辖范围（{Caller.Jurisdiction}）内；只有该层级可代其办理或为其另行任职");
    }

    /// <summary>
    /// What a unit answers for itself, which the level above must not file for it (a progress report, the
    /// subject's own measures): the caller's jurisdiction or own unit is that unit.
    /// </summary>
    public void ActAsUnit(string unitCode)
    {
        if (Caller.Jurisdiction != unitCode && Caller.Unit != unitCode)
            throw Refused("act as a unit", $"only {unitCode}'s own staff may do this; you act for {Caller.Unit ?? Caller.Jurisdiction}",
                $"只有 {unitCode} 本单位人员可以办理；您代表的是 {Caller.Unit ?? Caller.Jurisdiction}");
    }

    /// <summary>PermissionDenied unless the caller holds one of <paramref name="roles"/>; with none given, any platform role will do.</summary>
    public void EnsureRole(params string[] roles)
    {
        if (roles.Length == 0 ? Caller.Roles.Count == 0 : !Caller.HasAnyRole(roles))
            throw new RpcException(new Status(StatusCode.PermissionDenied, Say.T($"此操作需要以下角色之一：{string.Join("、", roles)}。", $"This needs one of the roles {string.Join(", ", roles)}.")));
    }

    /// <summary>Whether the unit is the caller's jurisdiction or answers to it (the root: every unit that exists).</summary>
    public async Task<bool> IsWithinAsync(string unitCode, CancellationToken ct)
    {
        var own = await OwnChainAsync(ct);
        var chain = await chains.ChainAsync(unitCode, ct);
        return chain is not null && (own.Count == 1 || chain.Contains(Caller.Jurisdiction));
    }

    private async Task<bool> IsWithinOrUnknownAsync(string unitCode, CancellationToken ct)
    {
        var own = await OwnChainAsync(ct);
        if (own.Count == 1) return true;
        var chain = await chains.ChainAsync(unitCode, ct);
        return chain is null || chain.Contains(Caller.Jurisdiction);
    }

    /// <summary>A token naming a jurisdiction the registry does not know is refused outright.</summary>
    private async Task<IReadOnlyList<string>> OwnChainAsync(CancellationToken ct) =>
        await chains.ChainAsync(Caller.Jurisdiction, ct)
        ?? throw new RpcException(new Status(StatusCode.PermissionDenied, Say.T($"令牌所载的管辖范围 {Caller.Jurisdiction} 不存在。", $"Your token names jurisdiction {Caller.Jurisdiction}, which does not exist.")));

    /// <summary>
    /// A refusal names the intent that refused it (the REST gateway turns it into problem details); for a rule a
    /// service adds on top of the intents (the registry's corrections of leader history), the same form.
    /// </summary>
    public static RpcException Refused(string intent, string why) => Refused(intent, why, null);

    /// <summary>As <see cref="Refused(string, string)"/>, with the reason in Chinese for a caller reading Chinese (<see cref="Say"/>).</summary>
    public static RpcException Refused(string intent, string why, string? whyZh) => Refused(intent, why, IntentZh(intent), whyZh);

    /// <summary>As <see cref="Refused(string, string, string)"/>, for a service's own intent named in Chinese too.</summary>
    public static RpcException Refused(string intent, string why, string intentZh, string? whyZh) =>
        new(new Status(StatusCode.PermissionDenied, Say.Chinese && whyZh is not null
            ? $"按“{intentZh}”规则不予办理：{whyZh}。"
            : $"Refused by the rule '{intent}': {why}."));

    /// <summary>The intents by their Chinese names, as a person reads them; an intent not named here is shown as it is.</summary>
    private static readonly Dictionary<string, string> IntentsZh = new()
    {
        ["read organisation facts"] = "读取组织机构信息", ["read below a unit"] = "读取下级情况", ["read business records"] = "读取业务记录",
        ["act on a unit"] = "办理单位事务", ["change how a unit answers"] = "变更单位隶属关系", ["act for a person"] = "代领导办理",
        ["act as a unit"] = "以本单位名义办理", ["act for an inspection"] = "办理督导检查事务", ["submit a reporting duty"] = "报送报告任务",
        ["send work information"] = "报送工作信息", ["set the reporting-duty schedule"] = "设定报告任务安排",
        ["generate the reporting-duty calendar"] = "生成报告任务日历", ["record an award from the province's special fund (Art. 28)"] = "记录省级专项经费奖励（第二十八条）",
        ["read the event log"] = "读取事件日志", ["choose how the regulation is read"] = "选定条文的解读",
        ["consult an archive (Art. 23)"] = "查阅档案（第二十三条）", ["grade an archive (Art. 22)"] = "评定档案档次（第二十二条）",
    };

    public static string IntentZh(string intent) => IntentsZh.TryGetValue(intent, out var zh) ? zh : intent;
}
