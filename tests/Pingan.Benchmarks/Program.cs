using System.Globalization;
using Pingan.Benchmarks;

// ./platform bench [messaging|registry|letters|sanctions] [options]: every figure beside the baseline it is compared to.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var postgres = Environment.GetEnvironmentVariable("PINGAN_POSTGRES") ?? throw new InvalidOperationException("run through ./platform bench");
var amqp = Environment.GetEnvironmentVariable("PINGAN_RABBITMQ") ?? throw new InvalidOperationException("run through ./platform bench");
var which = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
var rc = 0;
if (which is "all" or "messaging") rc |= await MessagingBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "registry") rc |= await RegistryBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "letters") rc |= await LettersBenchmark.RunAsync(postgres, amqp, args);
if (which is "all" or "sanctions") rc |= await SanctionsBenchmark.RunAsync(postgres, amqp, args);
if (which is not ("all" or "messaging" or "registry" or "letters" or "sanctions"))
{
    Console.Error.WriteLine($"unknown benchmark '{which}': messaging, registry, letters, sanctions, or nothing for all");
    return 2;
}
return rc;

namespace Pingan.Benchmarks
{
    internal static class Args
    {
        public static int Int(string[] args, string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
    }
}
