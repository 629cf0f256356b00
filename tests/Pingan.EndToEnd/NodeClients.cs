using System.Diagnostics;
using System.Threading.Channels;

namespace Pingan.EndToEnd;

/// <summary>
/// The department clients written outside .NET (tests/integration-clients, issue 18), run as their developers run them:
/// Node.js programs and npm tools. <c>./platform test</c> installs their packages (PINGAN_TEST_CLIENTS names the folder).
/// </summary>
public static class NodeClients
{
    public static string Folder => Environment.GetEnvironmentVariable("PINGAN_TEST_CLIENTS") is { Length: > 0 } c ? c
        : Path.Combine(PlatformTest.Root, "tests", "integration-clients");

    /// <summary>An npm package's command-line tool.</summary>
    public static string Tool(string name) => Path.Combine(Folder, "node_modules", ".bin", name);

    /// <summary>
    /// The folders of .proto files a department's developer gets: the services', the shared building blocks' (audit
    /// trail, event log, rules) and Google's (google/api, google/rpc) from the package the contracts compile with.
    /// </summary>
    public static string ProtoPath()
    {
        var root = PlatformTest.Root;
        var ours = Directory.GetDirectories(Path.Combine(root, "services"), "Protos", SearchOption.AllDirectories)
            .Concat(Directory.GetDirectories(Path.Combine(root, "shared"), "Protos", SearchOption.AllDirectories))
            .Where(d => !d.Contains("/bin/", StringComparison.Ordinal) && !d.Contains("/obj/", StringComparison.Ordinal));
        var version = System.Xml.Linq.XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "Google.Api.CommonProtos").Attribute("Version")!.Value;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } n ? n
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var google = Path.Combine(packages, "google.api.commonprotos", version, "content", "protos");
        if (!Directory.Exists(google)) throw new InvalidOperationException($"{google} is missing: restore the solution first.");
        return string.Join(':', ours.Order(StringComparer.Ordinal).Append(google));
    }

    public static async Task<(int Exit, string Output, string Errors)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        using var process = Process.Start(Start(file, args, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output, await errors);
    }

    private static ProcessStartInfo Start(string file, IEnumerable<string> args, IDictionary<string, string>? environment)
    {
        if (!File.Exists(file) && file != "node")
            throw new InvalidOperationException($"{file} is missing: run the tests with ./platform test (it installs tests/integration-clients), or npm ci there.");
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = Folder };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return start;
    }

    /// <summary>A program that keeps running (a department's system): its output lines as they come, its input.</summary>
    public sealed class Running : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly System.Text.StringBuilder _errors = new();

        public Running(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null)
        {
            _process = Process.Start(Start(file, args, environment))!;
            _process.OutputDataReceived += (_, e) => { if (e.Data is { } line) _lines.Writer.TryWrite(line); else _lines.Writer.TryComplete(); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_errors) _errors.AppendLine(line); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        /// <summary>The next output line that satisfies <paramref name="match"/>, waiting up to a minute.</summary>
        public async Task<string> NextAsync(Func<string, bool> match)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await foreach (var line in _lines.Reader.ReadAllAsync(timeout.Token))
                    if (match(line)) return line;
            }
            catch (OperationCanceledException) { }
            lock (_errors) throw new InvalidOperationException($"no such line from {_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)}; its errors:\n{_errors}");
        }

        public Task WriteLineAsync(string line) => _process.StandardInput.WriteLineAsync(line);

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                try
                {
                    await _process.StandardInput.WriteLineAsync("exit");
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (Exception ex) when (ex is TimeoutException or IOException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            _process.Dispose();
        }
    }
}
