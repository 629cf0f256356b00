using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Pingan.Registry.Api;

namespace Pingan.Registry.Tests;

public sealed class ImportTests : RegistryTest
{
    private static string DivisionsCsv => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "henan-divisions.csv"));

    private async Task<JsonElement> PostCsvAsync(string path, string csv, string query = "")
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        var response = await Host.Rest.PostAsync(path + query, content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task The_Henan_divisions_file_loads_over_REST_and_loading_it_again_changes_nothing()
    {
        var first = await PostCsvAsync("/v1/imports/units:csv", DivisionsCsv);
        Assert.True(first.GetProperty("applied").GetBoolean());
        Assert.Equal(2786, first.GetProperty("created").GetInt32());

        var townships = 0;
        var request = new ListDescendantsRequest { Code = "410000000000", Level = UnitLevel.LevelTownship, PageSize = 1000 };
        do
        {
            var page = await Units.ListDescendantsAsync(request);
            townships += page.Units.Count;
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);
        Assert.Equal(2586, townships);
        var provinceDirect = await Units.ListDescendantsAsync(new ListDescendantsRequest { Code = "410000000000", Kinds = { UnitKind.County }, PageSize = 1000 });
        Assert.Equal(10, provinceDirect.Units.Count(u => u.ProvinceDirect));
        Assert.All(provinceDirect.Units.Where(u => u.ProvinceDirect), u => Assert.Equal("410000000000", u.AnswersToCode));

        var again = await PostCsvAsync("/v1/imports/units:csv", DivisionsCsv);
        Assert.Equal(0, again.GetProperty("created").GetInt32() + again.GetProperty("updated").GetInt32());
        Assert.Equal(2786, again.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task A_dry_run_reports_the_diff_and_writes_nothing()
    {
        await LoadSmallTreeAsync();
        var csv = "code,name,level,parent_code,province_direct\n410102000000,中原新区,county,410200000000,\n410103000000,二七区,county,410100000000,\n";
        var report = await PostCsvAsync("/v1/imports/units:csv", csv, "?dryRun=true");
        Assert.False(report.GetProperty("applied").GetBoolean());
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        var renamed = rows.Single(r => r.GetProperty("key").GetString() == "410102000000");
        Assert.Equal("UPDATED", renamed.GetProperty("outcome").GetString());
        var changes = renamed.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("field").GetString()!, c => c.GetProperty("after").GetString());
        Assert.Equal("中原新区", changes["name"]);
        Assert.Equal("410200000000", changes["parent_code"]);
        Assert.Equal("CREATED", rows.Single(r => r.GetProperty("key").GetString() == "410103000000").GetProperty("outcome").GetString());

        Assert.Equal("中原区", (await Units.GetUnitAsync(new GetUnitRequest { Code = "410102000000" })).Name);
        await Refused(() => Units.GetUnitAsync(new GetUnitRequest { Code = "410103000000" }).ResponseAsync, StatusCode.NotFound);
    }

    [Fact]
    public async Task One_bad_row_rejects_an_all_or_nothing_batch_and_only_itself_in_a_per_row_batch()
    {
        await LoadSmallTreeAsync();
        UnitRecord[] batch =
        [
            Record("410103000000", "二七区", "county", "410100000000"),
            Record("410104000000", "管城回族区", "county", "410199999999"),
            Record("410105000000", "金水区", "county", "410100000000"),
        ];
        var strict = await Integration.ImportUnitsAsync(new ImportUnitsRequest { Units = { batch } });
        Assert.False(strict.Applied);
        var failed = Assert.Single(strict.Rows, r => r.Outcome == RowOutcome.Failed);
        Assert.Equal((2, "parent_code"), (failed.Row, failed.Field));
        await Refused(() => Units.GetUnitAsync(new GetUnitRequest { Code = "410103000000" }).ResponseAsync, StatusCode.NotFound);

        var lenient = await Integration.ImportUnitsAsync(new ImportUnitsRequest { Units = { batch }, Mode = ImportMode.PerRow });
        Assert.True(lenient.Applied);
        Assert.Equal((2, 1), (lenient.Created, lenient.Failed));
        Assert.Equal("金水区", (await Units.GetUnitAsync(new GetUnitRequest { Code = "410105000000" })).Name);
    }

    [Fact]
    public async Task A_code_twice_in_one_batch_is_a_row_error_and_a_replay_after_a_dissolution_changes_nothing()
    {
        await LoadSmallTreeAsync();
        var twice = await Integration.ImportUnitsAsync(new ImportUnitsRequest
        {
            Mode = ImportMode.PerRow,
            Units = { Record("410103000000", "二七区", "county", "410100000000"), Record("410103000000", "二七新区", "county", "410100000000") },
        });
        Assert.Equal((1, 1), (twice.Created, twice.Failed));
        Assert.Equal((2, "code"), (twice.Rows.Single(r => r.Outcome == RowOutcome.Failed).Row, twice.Rows.Single(r => r.Outcome == RowOutcome.Failed).Field));

        await Units.DissolveUnitAsync(new DissolveUnitRequest { Code = "410202000000", EffectiveOn = "2026-03-01" });
        var replay = await Integration.ImportUnitsAsync(new ImportUnitsRequest { Units = { SmallTree() } });
        Assert.True(replay.Applied);
        Assert.Equal(SmallTree().Count(), replay.Unchanged);
    }

    [Fact]
    public async Task Malformed_csv_is_refused_naming_the_line_or_the_missing_column()
    {
        await LoadSmallTreeAsync();
        using var noColumn = new StringContent("code,name\n410103000000,二七区\n", Encoding.UTF8, "text/csv");
        var response = await Host.Rest.PostAsync("/v1/imports/units:csv", noColumn);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("parent_code", await response.Content.ReadAsStringAsync());

        var csv = "code,name,level,parent_code,province_direct\n410103000000,二七区,county,410100000000,\n410105000000,\"金水区,county,410100000000,\n";
        var report = await PostCsvAsync("/v1/imports/units:csv", csv);
        Assert.False(report.GetProperty("applied").GetBoolean());
        Assert.Contains("line 3", report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("outcome").GetString() == "FAILED").GetProperty("error").GetString());
        await Refused(() => Units.GetUnitAsync(new GetUnitRequest { Code = "410103000000" }).ResponseAsync, StatusCode.NotFound);
    }

    [Fact]
    public async Task A_term_import_is_idempotent_and_refuses_to_rewrite_a_recorded_appointment()
    {
        await LoadSmallTreeAsync();
        var csv = """
            appointment_id,person_id,person_name,unit_code,role,portfolio,title,starts_on,ends_on,end_reason,cadre_authority_code
            A-1,P-1,李建国,410100000000-PC,Principal,,市委书记,2021-03-01,2025-06-30,transferred,
            A-2,P-2,王海燕,410100000000-PC,Principal,,市委书记,2025-07-01,,,
            A-3,P-3,张志强,410100000000-PC,InCharge,政法,常委、政法委书记,2022-01-01,,,
            """;
        var first = await PostCsvAsync("/v1/imports/terms:csv", csv);
        Assert.Equal(3, first.GetProperty("created").GetInt32());
        var second = await PostCsvAsync("/v1/imports/terms:csv", csv);
        Assert.Equal(3, second.GetProperty("unchanged").GetInt32());

        var rewrite = await Integration.ImportTermsAsync(new ImportTermsRequest
        {
            Terms = { new TermRecord { AppointmentId = "A-2", PersonId = "P-2", PersonName = "王海燕", UnitCode = "410100000000-PC", Role = LeadershipRole.Principal, StartsOn = "2025-08-01" } },
        });
        Assert.False(rewrite.Applied);
        Assert.Contains(rewrite.Rows, r => r.Field == "starts_on");
        var holder = await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = "410100000000-PC", Role = LeadershipRole.Principal, AsOf = "2025-07-15" });
        Assert.Equal("王海燕", Assert.Single(holder.Terms).LeaderName);
    }

    [Fact]
    public async Task Overlapping_principals_in_one_import_fail_on_the_second_row_Art9()
    {
        await LoadSmallTreeAsync();
        var report = await Integration.ImportTermsAsync(new ImportTermsRequest
        {
            Mode = ImportMode.PerRow,
            Terms =
            {
                new TermRecord { AppointmentId = "A-1", PersonId = "P-1", PersonName = "李建国", UnitCode = "410100000000-GOV", Role = LeadershipRole.Principal, StartsOn = "2024-01-01" },
                new TermRecord { AppointmentId = "A-2", PersonId = "P-2", PersonName = "王海燕", UnitCode = "410100000000-GOV", Role = LeadershipRole.Principal, StartsOn = "2025-01-01" },
            },
        });
        Assert.Equal((1, 1), (report.Created, report.Failed));
        var failed = report.Rows.Single(r => r.Outcome == RowOutcome.Failed);
        Assert.Equal((2, "starts_on"), (failed.Row, failed.Field));
        Assert.Contains("李建国", failed.Error);
    }
}
