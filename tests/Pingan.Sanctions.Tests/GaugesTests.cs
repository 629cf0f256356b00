using Microsoft.Extensions.DependencyInjection;
using Pingan.Sanctions.Api;
using Pingan.ServiceDefaults;
using Pingan.Testing;

namespace Pingan.Sanctions.Tests;

/// <summary>The gauges the operations team's alerts and the office's dashboard read (issue 16), against the cases the service holds.</summary>
public sealed class GaugesTests : SanctionsTest
{
    [Fact]
    public async Task Open_cases_turn_yellow_a_week_before_a_deadline_and_red_once_it_passes_and_an_unfired_deadline_shows_Art33_Issue16()
    {
        await ProvinceChoosesAsync(Cases.SanctionsRules.AcceptanceGrace, "0"); // reading 7: the proposal follows the period's end at once
        var opened = await OpenAgainstZhongyuanAsync();
        Today("2026-05-20");
        await ImposeAsync(opened.CaseId, Stage.Notice, Zhengzhou, "2026-05-20"); // Art. 33: rectify by 20 July
        Assert.Equal(1, await OpenCasesAsync("green"));
        Assert.Equal(0, await OpenCasesAsync("yellow"));

        Today("2026-07-14");
        await SweepAsync(); // the reminder of 13 July
        Assert.Equal((0, 1, 0), (await OpenCasesAsync("green"), await OpenCasesAsync("yellow"), await OpenCasesAsync("red")));
        Assert.Equal(1, await GaugeAsync("pingan_sanctions_deadlines_due_this_week", ("kind", "RectificationEnds")));
        Assert.Equal(0, await GaugeAsync("pingan_sanctions_deadlines_unfired"));

        // 22 July and no sweep has run since: the end (firing on the 21st) is past and not fired, which the alert watches.
        Today("2026-07-22");
        Assert.Equal((0, 1), (await OpenCasesAsync("yellow"), await OpenCasesAsync("red")));
        Assert.Equal(1, await GaugeAsync("pingan_sanctions_deadlines_unfired"));

        await SweepAsync(); // missed: the escalation is proposed, and the case stays red
        Assert.Equal(0, await GaugeAsync("pingan_sanctions_deadlines_unfired"));
        Assert.Equal(1, await OpenCasesAsync("red"));
        Assert.Equal(0, await GaugeAsync("pingan_sanctions_deadlines_due_this_week", ("kind", "RectificationEnds")));
    }

    private Task<double?> OpenCasesAsync(string light) => GaugeAsync("pingan_sanctions_open_cases", ("stage", "Notice"), ("light", light));

    private async Task<double?> GaugeAsync(string name, params (string, string)[] labels)
    {
        await Host.Services.GetRequiredService<ScrapeProbes>().RefreshAsync(CancellationToken.None);
        return await Scrape.ValueAsync(Host.Rest, name, labels);
    }
}
