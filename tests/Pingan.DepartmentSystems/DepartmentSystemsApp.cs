using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pingan.DepartmentSystems;

/// <summary>
/// Two departments' case systems behind one HTTP server: <c>/discipline/referrals</c> (纪检监察机关) and
/// <c>/organisation/referrals</c> (组织人事部门). Each takes a referral once per <c>Idempotency-Key</c>, as such systems
/// do: a repeated delivery gets the same reference and files nothing new. For tests they can be told to fail the
/// next deliveries (<c>POST /{department}/control/fail?count=N</c>), or to file a delivery and lose their answer
/// (<c>?mode=lose-answer</c>), as a network would.
/// </summary>
public static class DepartmentSystemsApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        var departments = new ConcurrentDictionary<string, Department>(StringComparer.Ordinal)
        {
            ["discipline"] = new("JW"),
            ["organisation"] = new("ZZ"),
        };

        app.MapPost("/{department}/referrals", async (string department, HttpRequest request) =>
        {
            if (!departments.TryGetValue(department, out var d)) return Results.NotFound();
            var key = request.Headers["Idempotency-Key"].ToString();
            if (key.Length == 0) return Results.Problem("An Idempotency-Key header is required.", statusCode: 400);
            var body = await JsonDocument.ParseAsync(request.Body);
            lock (d)
            {
                d.Deliveries.Add(key);
                if (d.FailNext > 0)
                {
                    d.FailNext--;
                    if (d.LoseAnswer) File(d, key, body);
                    return Results.Problem("The department's system is unavailable.", statusCode: 503);
                }
                return Results.Ok(new { reference = File(d, key, body) });
            }
        });
        app.MapGet("/{department}/referrals", (string department) =>
        {
            if (!departments.TryGetValue(department, out var d)) return Results.NotFound();
            lock (d) return Results.Ok(new { filed = d.Filed.Values.OrderBy(f => f.Reference).ToList(), deliveries = d.Deliveries.Count });
        });
        app.MapPost("/{department}/control/fail", (string department, int count, string? mode) =>
        {
            if (!departments.TryGetValue(department, out var d)) return Results.NotFound();
            lock (d) (d.FailNext, d.LoseAnswer) = (count, mode == "lose-answer");
            return Results.NoContent();
        });
        app.MapGet("/healthz/ready", () => Results.Ok("ready"));
        return app;
    }

    private static string File(Department d, string key, JsonDocument body)
    {
        if (d.Filed.TryGetValue(key, out var existing)) return existing.Reference;
        var reference = $"{d.Prefix}-{DateTime.UtcNow:yyyy}-{d.Filed.Count + 1:D5}";
        d.Filed[key] = new Filing(reference, key, body.RootElement.Clone());
        return reference;
    }

    private sealed class Department(string prefix)
    {
        public string Prefix { get; } = prefix;
        public Dictionary<string, Filing> Filed { get; } = new(StringComparer.Ordinal);
        public List<string> Deliveries { get; } = [];
        public int FailNext { get; set; }
        public bool LoseAnswer { get; set; }
    }

    public sealed record Filing(string Reference, string IdempotencyKey, JsonElement Referral);
}
