using Pingan.Registry.Api;

namespace Pingan.Registry.Seed;

public sealed record CommissionPlan(
    string JurisdictionCode, string Name, string? OfficeUnitCode, DateOnly EstablishedOn, DateOnly? DissolvedOn,
    List<string> MemberUnits, List<(string PersonId, string Position, string? MemberUnitCode, DateOnly StartsOn)> Members);

/// <summary>
/// The demo organisation: organs of the province, every city and two counties of each city plus the
/// province-direct counties; commissions with member units; leadership teams of fictional people (names are
/// drawn from common surnames and given names with a fixed seed, so every run makes the same people).
/// </summary>
public sealed class DemoOrganisation
{
    private static readonly DateOnly OrgansFrom = new(2023, 1, 1);

    // (suffix, provincial name, city/county name pattern) of the departments that sit on commissions.
    private static readonly (string Code, string Province, string Local)[] Departments =
    [
        ("ORG", "中共河南省委组织部", "中共{0}委组织部"), ("PROP", "中共河南省委宣传部", "中共{0}委宣传部"),
        ("UFW", "中共河南省委统战部", "中共{0}委统战部"), ("CDI", "河南省纪委监委", "{0}纪委监委"),
        ("PSB", "河南省公安厅", "{0}公安局"), ("JUS", "河南省司法厅", "{0}司法局"), ("EDU", "河南省教育厅", "{0}教育局"),
        ("CIV", "河南省民政厅", "{0}民政局"), ("FIN", "河南省财政厅", "{0}财政局"), ("HRSS", "河南省人力资源和社会保障厅", "{0}人力资源和社会保障局"),
        ("HLTH", "河南省卫生健康委员会", "{0}卫生健康委员会"), ("EMG", "河南省应急管理厅", "{0}应急管理局"),
        ("PET", "河南省信访局", "{0}信访局"), ("MKT", "河南省市场监督管理局", "{0}市场监督管理局"),
        ("HOUS", "河南省住房和城乡建设厅", "{0}住房和城乡建设局"), ("TRAN", "河南省交通运输厅", "{0}交通运输局"),
        ("AGRI", "河南省农业农村厅", "{0}农业农村局"), ("CULT", "河南省文化和旅游厅", "{0}文化广电和旅游局"),
        ("ETH", "河南省民族宗教事务委员会", "{0}民族宗教事务局"), ("VET", "河南省退役军人事务厅", "{0}退役军人事务局"),
        ("ENV", "河南省生态环境厅", "{0}生态环境局"), ("NRES", "河南省自然资源厅", "{0}自然资源和规划局"),
        ("DEV", "河南省发展和改革委员会", "{0}发展和改革委员会"), ("IND", "河南省工业和信息化厅", "{0}工业和信息化局"),
        ("WAT", "河南省水利厅", "{0}水利局"), ("COM", "河南省商务厅", "{0}商务局"), ("STAT", "河南省统计局", "{0}统计局"),
    ];

    private static readonly (string Code, string Name)[] ProvinceOnly =
    [
        ("SEC", "河南省国家安全厅"), ("SASAC", "河南省人民政府国有资产监督管理委员会"), ("FOR", "河南省林业局"),
        ("SPORT", "河南省体育局"), ("RADIO", "河南省广播电视局"), ("GRAIN", "河南省粮食和物资储备局"),
        ("PRISON", "河南省监狱管理局"), ("DRUG", "河南省药品监督管理局"), ("MIL", "武警河南省总队"),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕"];
    private static readonly string[] Given = ["建国", "志强", "国华", "海燕", "伟", "静", "明", "丽", "军", "红梅", "晓东", "文博", "振华", "玉兰", "春生", "立新", "卫东", "秀英", "永刚", "桂芳", "德胜", "慧", "宏伟", "亚楠", "少华", "晓燕", "国庆", "建华", "子涵", "思远"];

    private readonly Random _random = new(20161216);
    private int _people;

    public List<UnitRecord> Organs { get; } = [];
    public List<TermRecord> Terms { get; } = [];
    public List<CommissionPlan> Commissions { get; } = [];

    public static DemoOrganisation Plan(IReadOnlyList<UnitRecord> divisions)
    {
        var plan = new DemoOrganisation();
        var byCode = divisions.ToDictionary(d => d.Code);
        var province = byCode[DemoSeed.Province];
        var cities = divisions.Where(d => d.Kind == "city" && d.Code != "419000000000")
            .Append(byCode["419001000000"]).ToList();
        plan.AddLevel(province, Level.Province, cadreAuthority: null);
        foreach (var city in cities)
        {
            plan.AddLevel(city, Level.City, cadreAuthority: DemoSeed.Province + "-PC");
            var counties = divisions.Where(d => d.ParentCode == city.Code && d.Kind == "county").ToList();
            foreach (var county in counties.Where(c => !c.ProvinceDirect).Take(2))
                plan.AddLevel(county, Level.County, cadreAuthority: city.Code + "-PC");
        }
        foreach (var county in divisions.Where(d => d.ProvinceDirect))
            plan.AddLevel(county, Level.County, cadreAuthority: DemoSeed.Province + "-PC");
        return plan;
    }

    private enum Level { Province, City, County }

    private void AddLevel(UnitRecord place, Level level, string? cadreAuthority)
    {
        var code = place.Code;
        var n = place.Name;
        var shortName = level == Level.Province ? "河南省" : n;
        Organ(code, "PC", $"中共{shortName}委员会", "party_committee");
        Organ(code, "GOV", $"{shortName}人民政府", "government");
        Organ(code, "NPC", $"{shortName}人民代表大会常务委员会", "peoples_congress");
        Organ(code, "CPPCC", $"中国人民政治协商会议{shortName}委员会", "cppcc");
        Organ(code, "COURT", level switch { Level.Province => "河南省高级人民法院", Level.City => $"{n}中级人民法院", _ => $"{n}人民法院" }, "court");
        Organ(code, "PROC", $"{shortName}人民检察院", "procuratorate");
        Organ(code, "PLC", $"中共{shortName}委政法委员会", "commission_office");
        var members = new List<string> { $"{code}-PC", $"{code}-GOV", $"{code}-COURT", $"{code}-PROC", $"{code}-PLC" };
        var departments = level == Level.County ? Departments.Take(10) : Departments;
        foreach (var d in departments)
        {
            Organ(code, d.Code, level == Level.Province ? d.Province : string.Format(d.Local, n), "department");
            members.Add($"{code}-{d.Code}");
        }
        if (level == Level.Province)
        {
            foreach (var d in ProvinceOnly)
            {
                Organ(code, d.Code, d.Name, "department");
                members.Add($"{code}-{d.Code}");
            }
            Organ(code, "FED", "河南省总工会", "peoples_organisation");
            Organ(code, "YL", "共青团河南省委员会", "peoples_organisation");
            Organ(code, "WF", "河南省妇女联合会", "peoples_organisation");
            Organ(code, "TAX", "国家税务总局河南省税务局", "department");
            members.AddRange([$"{code}-FED", $"{code}-YL", $"{code}-WF", $"{code}-TAX"]);
        }
        else if (level == Level.City)
        {
            // A vertical system (垂直管理系统): the city tax bureau answers to the provincial bureau as well.
            Organs.Add(new UnitRecord
            {
                Code = $"{code}-TAX", Name = $"国家税务总局{n}税务局", Kind = "department", ParentCode = code,
                VerticalSuperiorCode = $"{DemoSeed.Province}-TAX", EffectiveOn = Dates.Write(OrgansFrom),
            });
            members.Add($"{code}-TAX");
        }

        // Leadership teams (Art. 9-11): the party committee and the government, each with a predecessor principal.
        var title = level switch { Level.Province => ("省委书记", "省长", "副省长"), Level.City => ("市委书记", "市长", "副市长"), _ => ("县委书记", "县长", "副县长") };
        var (secretary, politicalLegal) = Team(code, "PC", cadreAuthority, (title.Item1, ""), ("常委、政法委书记", "政法"),
            [("副书记", "党建"), ("常委、组织部部长", "组织"), ("常委、宣传部部长", "宣传")]);
        var (head, _) = Team(code, "GOV", cadreAuthority, (title.Item2, ""), ($"{title.Item3}、公安局局长", "公安"),
            [($"常务{title.Item3}", "财政"), (title.Item3, "教育"), (title.Item3, "卫生健康")]);

        var group = level == Level.Province ? "平安河南建设领导小组" : $"{n}平安建设领导小组";
        var reform = new DateOnly(2019, 3, 1);
        if (level == Level.Province)
            Commissions.Add(new CommissionPlan(code, "河南省社会治安综合治理委员会", $"{code}-PLC", new DateOnly(2011, 9, 1), reform, [.. members], []));
        Commissions.Add(new CommissionPlan(code, group, $"{code}-PLC", reform, null, members,
        [
            (secretary.Id, "组长", $"{code}-PC", Later(secretary.Since, reform)),
            (politicalLegal.Id, "副组长", $"{code}-PLC", Later(politicalLegal.Since, reform)),
            (head.Id, "副组长", $"{code}-GOV", Later(head.Since, reform)),
        ]));
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;

    /// <summary>A leadership team; returns its current principal and in-charge leader, with the day each took office.</summary>
    private ((string Id, DateOnly Since) Principal, (string Id, DateOnly Since) InCharge) Team(string place, string organ, string? cadreAuthority, (string Title, string Portfolio) principal,
        (string Title, string Portfolio) inCharge, (string Title, string Portfolio)[] others)
    {
        var unit = $"{place}-{organ}";
        // The principal changed in the course of the record: who answered on a given day depends on the day.
        var handover = new DateOnly(2024, 1, 1).AddDays(_random.Next(0, 600));
        var predecessor = Person();
        Term(unit, predecessor, LeadershipRole.Principal, "", principal.Title, handover.AddYears(-4), handover.AddDays(-1), cadreAuthority, "transferred");
        var current = Person();
        Term(unit, current, LeadershipRole.Principal, "", principal.Title, handover, null, cadreAuthority, null);
        var deputy = Person();
        var deputySince = new DateOnly(2022, 1, 1).AddDays(_random.Next(0, 900));
        Term(unit, deputy, LeadershipRole.InCharge, inCharge.Portfolio, inCharge.Title, deputySince, null, cadreAuthority, null);
        foreach (var (title, portfolio) in others)
            Term(unit, Person(), LeadershipRole.DualDuty, portfolio, title, new DateOnly(2021, 6, 1).AddDays(_random.Next(0, 1200)), null, cadreAuthority, null);
        return ((current.Id, handover), (deputy.Id, deputySince));
    }

    private (string Id, string Name) Person()
    {
        _people++;
        return ($"demo-p{_people:D5}", Surnames[_random.Next(Surnames.Length)] + Given[_random.Next(Given.Length)]);
    }

    private void Term(string unit, (string Id, string Name) person, LeadershipRole role, string portfolio, string title,
        DateOnly starts, DateOnly? ends, string? cadreAuthority, string? endReason) =>
        Terms.Add(new TermRecord
        {
            AppointmentId = $"demo-a{Terms.Count + 1:D5}",
            PersonId = person.Id,
            PersonName = person.Name,
            UnitCode = unit,
            Role = role,
            Portfolio = portfolio,
            Title = title,
            StartsOn = Dates.Write(starts),
            EndsOn = Dates.Write(ends),
            EndReason = endReason ?? "",
            CadreAuthorityCode = cadreAuthority ?? "",
        });

    private void Organ(string place, string suffix, string name, string kind) =>
        Organs.Add(new UnitRecord { Code = $"{place}-{suffix}", Name = name, Kind = kind, ParentCode = place, EffectiveOn = Dates.Write(OrgansFrom) });
}
