using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pingan.ServiceDefaults;

/// <summary>One create request a client named by its request id (AIP-155), with the answer it got.</summary>
public sealed class RequestRecord
{
    /// <summary>The method, the caller and the client's request id: the same id from another caller is another request.</summary>
    public required string Key { get; set; }
    /// <summary>SHA-256 of the request as sent: the id sent again with other content is the caller's mistake.</summary>
    public required byte[] RequestHash { get; set; }
    /// <summary>The answer, written once the change committed; null in between.</summary>
    public byte[]? Response { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

public static class RequestLedgerModel
{
    internal const string Table = "request_ledger", PrimaryKey = "pk_request_ledger";

    /// <summary>Adds the request ledger's table to a service's own model (and so to its migrations).</summary>
    public static ModelBuilder AddRequestLedger(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RequestRecord>(e =>
        {
            e.ToTable(Table);
            e.HasKey(r => r.Key);
            e.Property(r => r.Key).HasColumnName("key").HasMaxLength(400);
            e.Property(r => r.RequestHash).HasColumnName("request_hash");
            e.Property(r => r.Response).HasColumnName("response");
            e.Property(r => r.ReceivedAt).HasColumnName("received_at");
        });
        return modelBuilder;
    }

    /// <summary>The ledger for <typeparamref name="TDb"/>, whose model calls <see cref="AddRequestLedger"/>.</summary>
    public static IHostApplicationBuilder AddRequestLedger<TDb>(this IHostApplicationBuilder builder) where TDb : DbContext
    {
        builder.Services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, RequestLedgerInterceptor>();
        builder.Services.AddScoped<RequestLedger<TDb>>();
        return builder;
    }
}

/// <summary>
/// Makes a create call idempotent by the client's request id (AIP-155), for any handler: a retry after a timeout gets
/// the first request's answer instead of a second resource. The ledger row is written by the handler's own
/// SaveChanges, so it commits (or rolls back) with the change; two copies arriving at once meet on its primary key,
/// and the one that loses rolls back whole and answers what the winner made.
/// </summary>
public sealed class RequestLedger<TDb>(TDb db, TimeProvider time) where TDb : DbContext
{
    /// <summary>How long a copy waits for the first copy's answer before asking the client to send it again.</summary>
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(10);

    public async Task<TResponse> OnceAsync<TRequest, TResponse>(string requestId, TRequest request, ServerCallContext context, Func<Task<TResponse>> handle)
        where TRequest : IMessage<TRequest> where TResponse : IMessage<TResponse>, new()
    {
        var id = requestId.Trim();
        if (id.Length == 0) return await handle();
        var subject = context.GetHttpContext().User.FindFirst("sub")?.Value ?? "";
        var key = $"{context.Method}|{subject}|{id}";
        var hash = SHA256.HashData(request.ToByteArray());
        var ct = context.CancellationToken;
        if (await AnsweredAsync<TResponse>(key, hash, ct) is { } earlier) return earlier;

        var record = new RequestRecord { Key = key, RequestHash = hash, ReceivedAt = time.GetUtcNow() };
        RequestLedgerInterceptor.Expect(db, record);
        TResponse response;
        try
        {
            response = await handle();
        }
        catch (Exception e) when (IsSameKey(e))
        {
            // The same request, sent twice at once: the other copy made the change; answer what it answered.
            db.ChangeTracker.Clear();
            return await AnsweredAsync<TResponse>(key, hash, ct)
                ?? throw new RpcException(new Status(StatusCode.Aborted, "Another copy of this request (same request_id) is being answered; send it again."));
        }
        finally
        {
            RequestLedgerInterceptor.Forget(db);
        }
        // The change committed with its ledger row (if the handler saved at all): keep the answer for a retry.
        await db.Set<RequestRecord>().Where(r => r.Key == key).ExecuteUpdateAsync(s => s.SetProperty(r => r.Response, response.ToByteArray()), ct);
        return response;
    }

    /// <summary>The answer a request with <paramref name="key"/> got; waits a little for one still being answered.</summary>
    private async Task<TResponse?> AnsweredAsync<TResponse>(string key, byte[] hash, CancellationToken ct) where TResponse : IMessage<TResponse>, new()
    {
        // Waited in real time: the injected clock is the platform's calendar, which a test may hold still.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var row = await db.Set<RequestRecord>().AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, ct);
            if (row is null) return default;
            if (!row.RequestHash.AsSpan().SequenceEqual(hash))
                throw new RequestValidationException("request_id", "was used for another request; a new request needs a new id");
            if (row.Response is { } bytes)
            {
                var answer = new TResponse();
                answer.MergeFrom(bytes);
                return answer;
            }
            if (waited.Elapsed > AnswerWait)
                throw new RpcException(new Status(StatusCode.FailedPrecondition,
                    "A request with this request_id was applied, but its answer was not kept (the service stopped in between): read the result instead of sending it again."));
            await Task.Delay(100, ct);
        }
    }

    private static bool IsSameKey(Exception e) => Pingan.Persistence.UniqueIndex.Violated(e, RequestLedgerModel.PrimaryKey);
}

/// <summary>
/// Adds a call's ledger row to the first SaveChanges that carries its change, again if the handler cleared its tracker
/// before anything was saved (a retry after a rollback), never a second time once it was saved.
/// </summary>
internal sealed class RequestLedgerInterceptor : ISaveChangesInterceptor
{
    private sealed class Expectation(RequestRecord record)
    {
        public RequestRecord Record { get; } = record;
        public bool Saved { get; set; }
    }

    private static readonly ConditionalWeakTable<DbContext, Expectation> Expected = new();

    public static void Expect(DbContext db, RequestRecord record) => Expected.AddOrUpdate(db, new Expectation(record));

    public static void Forget(DbContext db) => Expected.Remove(db);

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    private static void Saved(DbContext? db)
    {
        if (db is not null && Expected.TryGetValue(db, out var expected) && db.Entry(expected.Record).State == EntityState.Unchanged) expected.Saved = true;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Track(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Track(eventData.Context);
        return result;
    }

    private static void Track(DbContext? db)
    {
        if (db is not null && Expected.TryGetValue(db, out var expected) && !expected.Saved && db.Entry(expected.Record).State == EntityState.Detached)
            db.Add(expected.Record);
    }
}
