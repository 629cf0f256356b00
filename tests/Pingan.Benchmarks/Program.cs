using System.Globalization;
using Pingan.Benchmarks;

// ./platform bench [messaging|registry|letters|sanctions|inspections|assessments|archives|portal] [options]: every figure beside the baseline it is compared to,
// and at the end one line per target, met or missed. With --smoke each runs at a small size in seconds and nothing
// is judged: ./platform test runs them so, so that a schema or API change that breaks a benchmark fails the tests.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
Args.Smoke = args.Contains("--smoke");
var postgres = Environment.GetEnvironmentVariable("PINGAN_POSTGRES") ?? throw new InvalidOperationException("run through ./platform bench");
var amqp = Environment.GetEnvironmentVariable("PINGAN_RABBITMQ") ?? throw new InvalidOperationException("run through ./platform bench");
var which = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
var rc = 0;
if (which is "all" or "messaging") rc |= await MessagingBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "registry") rc |= await RegistryBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "letters") rc |= await LettersBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "sanctions") rc |= await SanctionsBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "inspections") rc |= await InspectionsBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "assessments") rc |= await AssessmentsBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "archives") rc |= await ArchivesBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "portal") rc |= await PortalBenchmark.RunAsync(postgres, amqp, args);
if (which is not ("all" or "messaging" or "registry" or "letters" or "sanctions" or "inspections" or "assessments" or "archives" or "portal"))
{
    Console.Error.WriteLine($"unknown benchmark '{which}': messaging, registry, letters, sanctions, inspections, assessments, archives, portal, or nothing for all");
    return 2;
}
Verdicts.Print();
// The exit code says whether a benchmark ran correctly (every event delivered, every escalation applied), not whether a target was met.
return rc;

namespace Pingan.Benchmarks
{
    internal static class Args
    {
        /// <summary>Set by --smoke: small sizes, figures printed but not judged.</summary>
        public static bool Smoke { get; set; }

        /// <summary>The option's value, else the full size, or with --smoke the small one.</summary>
        public static int Int(string[] args, string name, int fallback, int smoke)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : Smoke ? smoke : fallback;
        }
    }

    /// <summary>Nearest-rank percentiles of timings.</summary>
    internal static class Percentile
    {
        /// <summary>The <paramref name="q"/> quantile of values already in ascending order; NaN when there are none.</summary>
        public static double Of(IReadOnlyList<double> sorted, double q) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }

    /// <summary>Every target a run measured, printed at its end as one line each: met or missed.</summary>
    internal static class Verdicts
    {
        private static readonly List<(string Benchmark, string Figure, string Target, bool Met)> All = [];

        public static void Record(string benchmark, string figure, string target, bool met) => All.Add((benchmark, figure, target, met));

        public static void Print()
        {
            if (All.Count == 0) return;
            Console.WriteLine();
            Console.WriteLine(Args.Smoke ? "Targets (smoke sizes: not judged):" : "Targets:");
            foreach (var (benchmark, figure, target, met) in All)
                Console.WriteLine($"  {(Args.Smoke ? "n/a   " : met ? "met   " : "MISSED")} {benchmark}: {figure}   (target {target})");
        }
    }
}
