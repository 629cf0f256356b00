namespace Pingan.Contracts.Tests;

/// <summary>
/// The released contracts stay good for the systems built on them (issue 18, docs/integration/versioning.md): nothing a
/// release published is removed or changed (field numbers, names, types; methods and their routes; enum values), and
/// the check says exactly what a change would break.
/// </summary>
public sealed class CompatibilityTests
{
    private static string Released => Path.Combine(Root, "docs", "integration", "released");

    private static string Root
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Platform.sln"))) root = root.Parent;
            return root?.FullName ?? throw new InvalidOperationException("Platform.sln not found above the test's folder.");
        }
    }

    /// <summary>The release to compare with: the newest folder under docs/integration/released.</summary>
    private static string LatestRelease() =>
        Directory.GetDirectories(Released).OrderBy(d => Version.Parse(Path.GetFileName(d)!.TrimStart('v'))).Last();

    [Fact]
    public void No_field_method_or_enum_value_of_the_latest_release_is_removed_or_changed()
    {
        var files = ContractSnapshot.Files();
        var release = LatestRelease();
        var snapshots = Directory.GetFiles(release, "*.proto.txt");
        Assert.NotEmpty(snapshots);
        var breaks = new List<string>();
        foreach (var snapshot in snapshots)
        {
            var proto = Path.GetFileName(snapshot)[..^".txt".Length];
            if (!files.TryGetValue(proto, out var file))
            {
                breaks.Add($"{proto}: the whole file is gone");
                continue;
            }
            breaks.AddRange(ContractSnapshot.Breaks(File.ReadAllLines(snapshot), ContractSnapshot.Lines(file)).Select(b => $"{proto}: {b}"));
        }
        Assert.True(breaks.Count == 0, $"{breaks.Count} break(s) of {Path.GetFileName(release)}; add a new field, method or value instead, "
            + "and deprecate the old one (docs/integration/versioning.md):\n" + string.Join("\n", breaks.Take(50)));
    }

    [Fact]
    public void Every_proto_file_a_department_can_call_is_in_the_release()
    {
        var released = Directory.GetFiles(LatestRelease(), "*.proto.txt").Select(f => Path.GetFileName(f)[..^".txt".Length]).Order().ToList();
        Assert.Equal(ContractSnapshot.Files().Keys.Order(StringComparer.Ordinal), released);
    }

    /// <summary>
    /// The snapshot of this build, written where <c>./platform contracts</c> packs it (PINGAN_CONTRACTS_SNAPSHOT, or
    /// .local/contracts/snapshot): what a release copies under docs/integration/released/.
    /// </summary>
    [Fact]
    public void The_snapshot_of_this_build_is_written_for_the_release_and_covers_every_service()
    {
        var folder = Environment.GetEnvironmentVariable("PINGAN_CONTRACTS_SNAPSHOT") is { Length: > 0 } f ? f : Path.Combine(Root, ".local", "contracts", "snapshot");
        Directory.CreateDirectory(folder);
        foreach (var (name, file) in ContractSnapshot.Files())
        {
            var lines = ContractSnapshot.Lines(file);
            Assert.Contains(lines, l => l.StartsWith("rpc ", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("field ", StringComparison.Ordinal));
            Assert.Equal(lines.Count, lines.Distinct().Count());
            File.WriteAllLines(Path.Combine(folder, name + ".txt"),
                [$"# {name}: what release clients rely on (docs/integration/versioning.md). Generated; never edit a line, add releases.", .. lines]);
        }
        Assert.Equal(9, ContractSnapshot.Files().Count); // six services, the audit trail, the event log, the rules
    }

    [Fact]
    public void The_check_names_a_renumbered_field_a_retyped_one_a_removed_method_and_a_renumbered_enum_value()
    {
        var current = ContractSnapshot.Lines(ContractSnapshot.Files()["registry.proto"]);
        var field = current.First(l => l.StartsWith("field pingan.registry.v1.Unit 1 code ", StringComparison.Ordinal));
        var value = current.First(l => l.StartsWith("enum pingan.registry.v1.UnitKind 1 PROVINCE", StringComparison.Ordinal));
        var method = current.First(l => l.StartsWith("rpc pingan.registry.v1.Units.GetUnit(", StringComparison.Ordinal));

        // Each edit a developer might make to registry.proto, applied to what the build compiled.
        Assert.Equal([$"removed: {field}"], ContractSnapshot.Breaks(current, current.Select(l => l == field ? l.Replace(" 1 code ", " 21 code ", StringComparison.Ordinal) : l)));
        var retyped = field.Replace(" singular string", " singular int64", StringComparison.Ordinal);
        Assert.Equal([$"changed: {field}  ->  {retyped}"], ContractSnapshot.Breaks(current, current.Select(l => l == field ? retyped : l)));
        Assert.Equal([$"removed: {method}"], ContractSnapshot.Breaks(current, current.Where(l => l != method)));
        var renumbered = value.Replace(" 1 PROVINCE", " 7 PROVINCE", StringComparison.Ordinal);
        Assert.Equal([$"removed: {value}"], ContractSnapshot.Breaks(current, current.Select(l => l == value ? renumbered : l)));
        // Additions break nothing.
        Assert.Empty(ContractSnapshot.Breaks(current, current.Append("field pingan.registry.v1.Unit 99 note singular string")));
    }
}
