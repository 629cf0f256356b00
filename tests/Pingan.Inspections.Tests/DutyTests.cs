using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Inspections.Api;
using Pingan.Inspections.Contracts;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Inspections.Tests;

/// <summary>
/// The reporting-duty calendar (Art. 9(3), 14-17, 24, 25). Besides Zhengzhou's commission (one member unit, the city's
/// public security bureau, and one member, 周平), the province and 中原区 have commissions of their own.
/// </summary>
public sealed class DutyTests : InspectionsTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var commissions = new RegistryApi.Commissions.CommissionsClient(TestAuthority.As(Registry.Channel, Authority.Token(Province, [PinganRoles.CommissionOffice])));
        await commissions.EstablishCommissionAsync(new RegistryApi.EstablishCommissionRequest { JurisdictionCode = Province, Name = "河南省平安建设领导小组", EstablishedOn = "2018-01-01" });
        await commissions.EstablishCommissionAsync(new RegistryApi.EstablishCommissionRequest { JurisdictionCode = Zhongyuan, Name = "中原区平安建设领导小组", EstablishedOn = "2018-01-01" });
    }

    private Api.ReportingDuties.ReportingDutiesClient Duties(string jurisdiction, string role = PinganRoles.CommissionOffice, string? unit = null) =>
        new(TestAuthority.As(Host.Channel, Authority.Token(jurisdiction, [role], $"{role}-of-{unit ?? jurisdiction}", unit)));

    private async Task<List<Duty>> DutiesOfAsync(string unit, Light light = Light.Unspecified) =>
        [.. (await Duties(unit).ListDutiesAsync(new ListDutiesRequest { UnitCode = unit, Year = 2026, Light = light, PageSize = 500 })).Duties];

    [Fact]
    public async Task The_calendar_puts_each_duty_of_the_schedule_on_each_party_once_Art9_14_15_16_17_24_25()
    {
        var report = await Duties(Province).GenerateDutyCalendarAsync(new GenerateDutyCalendarRequest { Year = 2026 });
        // Zhengzhou: 9 (its member unit's summary, its member's report, its annual report to the province, two half-yearly
        // hearings, a plenary, two joint meetings, the standing committee's report); 中原区: 7 (no member unit or member
        // yet); the province: 6 (nobody above it to report to).
        Assert.Equal((3, 22, 0), (report.Commissions, report.Created, report.Existing));
        var again = await Duties(Province).GenerateDutyCalendarAsync(new GenerateDutyCalendarRequest { Year = 2026 });
        Assert.Equal((0, 22), (again.Created, again.Existing));

        var county = await DutiesOfAsync(Zhongyuan);
        Assert.Equal(7, county.Count);
        var annual = Assert.Single(county, d => d.Kind == "commission-annual-report");
        Assert.Equal(("Art. 17", Zhengzhou, "2026-12-20"), (annual.Article, annual.RecipientCode, annual.DueOn));
        Assert.Equal(["2026-06-30", "2026-12-31"], county.Where(d => d.Kind == "principal-hears-report").Select(d => d.DueOn));
        var city = await DutiesOfAsync(Zhengzhou);
        Assert.Equal(16, city.Count); // its own and 中原区's: a city reads below it
        var member = Assert.Single(city, d => d.Party == DutyParty.CommissionMember);
        Assert.Equal(("周平", ZhengzhouPsb, "Art. 16"), (member.PartyName, member.UnitCode, member.Article));
        // 中原区 never lists its city's duties.
        await Refused(() => Duties(Zhongyuan).ListDutiesAsync(new ListDutiesRequest { UnitCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
        // Only the province generates, and the schedule it generated from is frozen.
        await Refused(() => Duties(Zhengzhou).GenerateDutyCalendarAsync(new GenerateDutyCalendarRequest { Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
        Assert.True((await Duties(Zhengzhou).GetDutyScheduleAsync(new GetDutyScheduleRequest { Year = 2026 })).Frozen);
    }

    [Fact]
    public async Task Lights_go_yellow_near_the_due_day_green_when_submitted_and_red_with_an_event_when_missed()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(ReportingDutyMissed), typeof(ReportingDutySubmitted));
        await Duties(Province).GenerateDutyCalendarAsync(new GenerateDutyCalendarRequest { Year = 2026 });
        // 22 September: the first half-year's hearings and joint meetings are past due; the rest is months away.
        Assert.Equal(["joint-meeting", "principal-hears-report"], (await DutiesOfAsync(Zhongyuan, Light.Red)).Select(d => d.Kind).Order());
        Assert.Equal(5, (await DutiesOfAsync(Zhongyuan, Light.Grey)).Count);

        Today("2026-12-15"); // 20 December is three working days ahead (16, 17, 18): yellow
        var summary = Assert.Single(await DutiesOfAsync(Zhengzhou, Light.Yellow), d => d.Kind == "member-unit-annual-summary");
        var psb = Duties(Zhengzhou, PinganRoles.MemberUnitLiaison, ZhengzhouPsb);
        var submitted = await psb.SubmitDutyAsync(new SubmitDutyRequest
        {
            DutyId = summary.DutyId, UnitCode = ZhengzhouPsb, Text = "2026年度平安建设工作总结",
            Documents = { new UploadedDocument { FileName = "年度总结.pdf", File = new Google.Api.HttpBody { ContentType = "application/pdf", Data = ByteString.CopyFromUtf8("%PDF-1.7\n%%EOF\n") } } },
        });
        Assert.Equal((Light.Green, 0), (submitted.Light, submitted.DaysLate));
        var document = Assert.Single(submitted.Documents);
        Assert.Equal("%PDF-1.7\n%%EOF\n", (await Duties(Zhengzhou).GetDutyDocumentAsync(new GetDutyDocumentRequest { DocumentId = document.DocumentId })).Data.ToStringUtf8());
        await tap.WaitForAsync<ReportingDutySubmitted>(e => e.DutyId.ToString() == summary.DutyId && e.DaysLate == 0);

        Today("2026-12-21");
        var sweep = Host.Services.GetRequiredService<Pingan.Inspections.Duties.DutySweep>();
        var missed = await sweep.SweepAsync(CancellationToken.None);
        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));
        // Every duty due by 20 December but the bureau's summary: 2 + 2 half-year rows of 3 commissions ... counted from the list.
        var red = await DutiesOfAsync(Province, Light.Red);
        Assert.Equal(red.Count, missed);
        Assert.DoesNotContain(red, d => d.DutyId == summary.DutyId);
        Assert.All(red, d => Assert.NotEmpty(d.MissedAt));
        var zhongyuanReport = Assert.Single(red, d => d.Kind == "commission-annual-report" && d.PartyCode == Zhongyuan);
        await tap.WaitForAsync<ReportingDutyMissed>(e => e.DutyId.ToString() == zhongyuanReport.DutyId);

        // The overview counts the same lights per city and county.
        var lights = await Duties(Province).GetDutyLightsAsync(new GetDutyLightsRequest { UnitCode = Province, Year = 2026 });
        Assert.Equal((red.Count, 1, 22), (lights.Total.Red, lights.Total.Green, lights.Total.Red + lights.Total.Green + lights.Total.Yellow + lights.Total.Grey));
        var zhongyuanRow = Assert.Single(lights.Rows, r => r.CountyCode == Zhongyuan);
        Assert.Equal(Zhengzhou, zhongyuanRow.CityCode);
        Assert.Equal((await DutiesOfAsync(Zhongyuan, Light.Red)).Count, zhongyuanRow.Red);
    }

    [Fact]
    public async Task A_duty_submitted_for_another_unit_or_without_its_form_is_refused_by_field_and_saves_nothing()
    {
        await Duties(Province).GenerateDutyCalendarAsync(new GenerateDutyCalendarRequest { Year = 2026 });
        var city = await DutiesOfAsync(Zhengzhou);
        var summary = city.Single(d => d.Kind == "member-unit-annual-summary");
        var cityReport = city.Single(d => d.Kind == "commission-plenary" && d.PartyCode == Zhengzhou);
        // The bureau submits the city commission's plenary as its own.
        var psb = Duties(Zhengzhou, PinganRoles.MemberUnitLiaison, ZhengzhouPsb);
        var error = await Refused(() => psb.SubmitDutyAsync(new SubmitDutyRequest { DutyId = cityReport.DutyId, UnitCode = ZhengzhouPsb, Text = "会议纪要" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["duty_id"], Fields(error));
        // ... or claims to be the city's office.
        await Refused(() => psb.SubmitDutyAsync(new SubmitDutyRequest { DutyId = cityReport.DutyId, UnitCode = Zhengzhou, Text = "会议纪要" }).ResponseAsync, StatusCode.PermissionDenied);
        // A member's report says whether it was made in the plenary or in writing (Art. 16).
        var member = city.Single(d => d.Party == DutyParty.CommissionMember);
        Assert.Equal(["form"], Fields(await Refused(() => psb.SubmitDutyAsync(new SubmitDutyRequest { DutyId = member.DutyId, UnitCode = ZhengzhouPsb, Text = "述职报告" }).ResponseAsync, StatusCode.InvalidArgument)));
        // A document of a type not accepted.
        var bad = new SubmitDutyRequest
        {
            DutyId = summary.DutyId, UnitCode = ZhengzhouPsb, Text = "总结",
            Documents = { new UploadedDocument { FileName = "总结.exe", File = new Google.Api.HttpBody { ContentType = "application/x-msdownload", Data = ByteString.CopyFrom([0x4D, 0x5A]) } } },
        };
        Assert.Equal(["documents[0].file.content_type"], Fields(await Refused(() => psb.SubmitDutyAsync(bad).ResponseAsync, StatusCode.InvalidArgument)));
        Assert.Empty(await DutiesOfAsync(Zhengzhou, Light.Green));
        Assert.DoesNotContain(await DutiesOfAsync(Zhengzhou), d => d.SubmittedAt.Length > 0);
    }

    [Fact]
    public async Task Work_information_goes_to_the_member_units_commission_as_it_happens_and_the_office_sees_who_is_silent_Art15()
    {
        var psb = Duties(Zhengzhou, PinganRoles.MemberUnitLiaison, ZhengzhouPsb);
        var send = new SubmitWorkInformationRequest { UnitCode = ZhengzhouPsb, Title = "国庆期间社会面巡防情况", Text = "全市投入巡防力量一万二千人次。", RequestId = "psb-2026-09-22-1" };
        // Before the year's calendar lists the bureau as a member unit, its commission is not known: nothing is saved.
        await Refused(() => psb.SubmitWorkInformationAsync(send).ResponseAsync, StatusCode.FailedPrecondition);
        await Duties(Province).GenerateDutyCalendarAsync(new GenerateDutyCalendarRequest { Year = 2026 });
        var before = await Duties(Zhengzhou).ListWorkInformationAsync(new ListWorkInformationRequest { UnitCode = Zhengzhou, Year = 2026 });
        Assert.Empty(before.Items);
        Assert.Equal((ZhengzhouPsb, 0), (before.Counts.Single().UnitCode, before.Counts.Single().Count));

        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(WorkInformationSubmitted));
        var sent = await psb.SubmitWorkInformationAsync(send);
        Assert.Equal((Zhengzhou, "郑州市公安局", 2026), (sent.JurisdictionCode, sent.UnitName, sent.Year));
        Assert.Equal(sent.InformationId, (await psb.SubmitWorkInformationAsync(send)).InformationId); // sent twice: one item
        await psb.SubmitWorkInformationAsync(new SubmitWorkInformationRequest { UnitCode = ZhengzhouPsb, Title = "校园周边整治", Text = "排查隐患四十处。" });
        await tap.WaitForAsync<WorkInformationSubmitted>(e => e.InformationId.ToString() == sent.InformationId && e.JurisdictionCode == Zhengzhou);

        var listed = await Duties(Zhengzhou).ListWorkInformationAsync(new ListWorkInformationRequest { UnitCode = Zhengzhou, Year = 2026 });
        Assert.Equal(2, listed.Items.Count);
        Assert.Equal(2, listed.Counts.Single().Count);
        Assert.Equal(2, (await Duties(Province).ListWorkInformationAsync(new ListWorkInformationRequest { UnitCode = Province, Year = 2026 })).Items.Count);
        // Nobody sends in the bureau's name, and a county reads none of its city's.
        await Refused(() => Duties(Zhengzhou).SubmitWorkInformationAsync(new SubmitWorkInformationRequest { UnitCode = ZhengzhouPsb, Title = "代报", Text = "代报" }).ResponseAsync,
            StatusCode.PermissionDenied);
        await Refused(() => Duties(Zhongyuan).ListWorkInformationAsync(new ListWorkInformationRequest { UnitCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
        var bad = await Refused(() => psb.SubmitWorkInformationAsync(new SubmitWorkInformationRequest { UnitCode = ZhengzhouPsb, Title = "", Text = "x" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["title"], Fields(bad));
        Assert.Equal(2, (await Duties(Zhengzhou).ListWorkInformationAsync(new ListWorkInformationRequest { UnitCode = Zhengzhou, Year = 2026 })).Items.Count);
    }

    [Fact]
    public async Task The_province_sets_a_years_schedule_before_its_calendar_and_nobody_else_does()
    {
        var schedule = new SetDutyScheduleRequest
        {
            Year = 2027, Reason = "省平安办〔2026〕5号",
            Rules =
            {
                new DutyRule { Kind = "member-unit-annual-summary", Title = "成员单位年度工作总结", Article = "Art. 15", Party = DutyParty.MemberUnit, DueDates = { "11-30" } },
                new DutyRule { Kind = "commission-annual-report", Title = "年度工作报告", Article = "Art. 17", Party = DutyParty.Commission, DueDates = { "12-10" }, ToCommissionAbove = true },
            },
        };
        await Refused(() => Duties(Zhengzhou).SetDutyScheduleAsync(schedule).ResponseAsync, StatusCode.PermissionDenied);
        var set = await Duties(Province).SetDutyScheduleAsync(schedule);
        Assert.True(set.SetByProvince);
        Assert.Equal(2, set.Rules.Count);
        var report = await Duties(Province).GenerateDutyCalendarAsync(new GenerateDutyCalendarRequest { Year = 2027 });
        Assert.Equal(3, report.Created); // the bureau's summary; Zhengzhou's and 中原区's reports (the province reports to nobody)
        await Refused(() => Duties(Province).SetDutyScheduleAsync(schedule).ResponseAsync, StatusCode.FailedPrecondition);
        schedule.Year = 2028;
        schedule.Rules[0].ToCommissionAbove = true;
        Assert.Equal(["rules[0].to_commission_above"], Fields(await Refused(() => Duties(Province).SetDutyScheduleAsync(schedule).ResponseAsync, StatusCode.InvalidArgument)));
    }
}
