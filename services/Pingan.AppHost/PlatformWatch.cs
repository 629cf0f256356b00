using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

/// <summary>A long-running service of the platform and where it answers.</summary>
internal sealed record PlatformService(string Name, string RestUrl, string? GrpcUrl, string? Note = null)
{
    public override string ToString() =>
        GrpcUrl is null ? $"{Name,-18} {RestUrl} ({Note})" : $"{Name,-18} REST {RestUrl} (OpenAPI {RestUrl}/openapi/v1.json)  gRPC {GrpcUrl}";
}

/// <summary>What the AppHost runs: the one-shot steps (migrate, seed) and the services with their URLs.</summary>
internal sealed class PlatformPlan
{
    public List<string> Steps { get; } = [];
    public List<PlatformService> Services { get; } = [];
}

/// <summary>
/// What <c>./platform up</c> tells a person (issue 19): every resource's console log written to
/// <c>.local/run/logs/&lt;name&gt;.log</c>; a line when each service answers <c>/healthz/ready</c>; the demo data
/// loaded once all are; then "all N services ready" with the URLs. A migrate or seed step that exits with an
/// error, a service that exits, or a service not ready within the limit stops everything: the step, the last
/// lines of its log and where the full log is are printed, and the AppHost exits with code 1.
/// </summary>
internal sealed class PlatformWatch(
    PlatformPlan plan,
    ResourceNotificationService notifications,
    ResourceLoggerService loggers,
    DistributedApplicationModel model,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration) : BackgroundService
{
    private const int TailLines = 25, Kept = 400;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _tails = new();
    private readonly string _logs = configuration["Pingan:LogDirectory"] ?? Path.Combine(Directory.GetCurrentDirectory(), "logs");
    private readonly ConcurrentDictionary<string, int> _exits = new();
    private int _failed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Directory.CreateDirectory(_logs);
        var stopping = lifetime.ApplicationStopping;
        foreach (var resource in model.Resources.OfType<ProjectResource>())
            _ = Task.Run(() => WriteLogAsync(resource, stoppingToken), stoppingToken);
        _ = Task.Run(() => WatchStatesAsync(stoppingToken), stoppingToken);

        var limit = TimeSpan.FromSeconds(configuration.GetValue("Pingan:ReadyTimeoutSeconds", 600));
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waiting = plan.Services.ToList();
        while (waiting.Count > 0 && !stoppingToken.IsCancellationRequested)
        {
            foreach (var service in waiting.ToList())
            {
                if (!await ReadyAsync(http, service.RestUrl, stoppingToken)) continue;
                Say($"ready: {service}");
                waiting.Remove(service);
            }
            if (waiting.Count == 0) break;
            if (clock.Elapsed > limit)
            {
                var first = waiting[0].Name;
                Fail(first, $"not ready within {limit.TotalSeconds:0} s (Pingan:ReadyTimeoutSeconds); still waiting for {string.Join(", ", waiting.Select(w => w.Name))}. " +
                    "A service waits for its migrate and seed steps, whose logs are beside its own");
                return;
            }
            try { await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken); } catch (OperationCanceledException) { return; }
        }
        if (stoppingToken.IsCancellationRequested || _failed != 0) return;

        if (configuration["Pingan:DemoLoader"] is { Length: > 0 } loader && !await LoadDemoDataAsync(loader, stoppingToken)) return;
        Say($"all {plan.Services.Count} services ready:");
        foreach (var service in plan.Services) Say($"  {service}");
        Say($"logs in {_logs}; Ctrl-C stops everything");
    }

    /// <summary>The letters' and sanctions' demo data go in through their APIs once every service is ready.</summary>
    private async Task<bool> LoadDemoDataAsync(string command, CancellationToken ct)
    {
        var log = Path.Combine(_logs, "demo-data.log");
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var text = await output + await error;
        await File.WriteAllTextAsync(log, text, ct);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries)) _tails.GetOrAdd("demo-data", _ => new()).Enqueue(line);
        if (process.ExitCode != 0) { Fail("demo-data", $"exited with code {process.ExitCode}"); return false; }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Say(line);
        return true;
    }

    private static async Task<bool> ReadyAsync(HttpClient http, string rest, CancellationToken ct)
    {
        try { return (await http.GetAsync(rest + "/healthz/ready", ct)).IsSuccessStatusCode; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
    }

    private async Task WatchStatesAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(ct))
            {
                if (lifetime.ApplicationStopping.IsCancellationRequested) return;
                var name = e.Resource.Name;
                var state = e.Snapshot.State?.Text;
                var step = plan.Steps.Contains(name);
                var service = plan.Services.Any(s => s.Name == name);
                if (!step && !service) continue;
                if (state == KnownResourceStates.FailedToStart)
                    Fail(name, "failed to start");
                else if (state is not null && (state == KnownResourceStates.Exited || state == KnownResourceStates.Finished) && e.Snapshot.ExitCode is { } code)
                {
                    if (step) _exits[name] = code;
                    if (step && code != 0) Fail(name, $"exited with code {code}");
                    else if (service) Fail(name, $"stopped by itself (exit code {code})");
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task WriteLogAsync(IResource resource, CancellationToken ct)
    {
        var tail = _tails.GetOrAdd(resource.Name, _ => new());
        try
        {
            await using var file = new StreamWriter(Path.Combine(_logs, resource.Name + ".log"), append: false) { AutoFlush = true };
            await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(ct))
            {
                foreach (var line in batch)
                {
                    await file.WriteLineAsync(line.Content);
                    tail.Enqueue(line.Content);
                    while (tail.Count > Kept) tail.TryDequeue(out _);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// Says what failed and where its log is, and stops everything with exit code 1 (once). A service that could
    /// not start because its migrate or seed step failed is reported as that step: the step is what to read.
    /// </summary>
    private void Fail(string name, string what)
    {
        if (Interlocked.Exchange(ref _failed, 1) != 0) return;
        _ = Task.Run(async () =>
        {
            // The step's own exit and the logger's last lines may still be on their way.
            await Task.Delay(TimeSpan.FromSeconds(2));
            if (plan.Steps.FirstOrDefault(s => _exits.TryGetValue(s, out var code) && code != 0) is { } step && step != name)
                (name, what) = (step, $"exited with code {_exits[step]}");
            Report(name, what);
        });
    }

    private void Report(string name, string what)
    {
        var log = Path.Combine(_logs, name + ".log");
        Console.Error.WriteLine($"\u001b[1;31m[platform]\u001b[0m {name} {what}. The last lines of its log:");
        // Stack frames are left out so that the error's own lines fit on the screen; the full log has them.
        var lines = _tails.TryGetValue(name, out var tail) ? tail.ToArray() : [];
        foreach (var line in lines.Where(l => !IsStackFrame(l)).TakeLast(TailLines)) Console.Error.WriteLine("    " + line);
        Console.Error.WriteLine($"\u001b[1;31m[platform]\u001b[0m the full log is {log}; stopping everything");
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    private static bool IsStackFrame(string line)
    {
        var text = line.Length > 28 && char.IsDigit(line[0]) ? line[28..].TrimStart() : line.TrimStart(); // after the timestamp
        return text.StartsWith("at ", StringComparison.Ordinal) || text.StartsWith("--- End of", StringComparison.Ordinal);
    }

    private static void Say(string line) => Console.Error.WriteLine($"\u001b[1;34m[platform]\u001b[0m {line}");
}
