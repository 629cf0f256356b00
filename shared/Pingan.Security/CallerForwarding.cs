using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pingan.Security;

/// <summary>
/// Carries the originating caller's access token on a service's outgoing gRPC calls, so the service called
/// decides on that person's or system's rights, not on the calling service's (issue 4). A call made outside
/// a request (a consumer, a scheduled job) carries nothing and is refused by a guarded service.
/// </summary>
public sealed class CallerForwardingInterceptor(IHttpContextAccessor http) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithCaller(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithCaller(context));

    private ClientInterceptorContext<TRequest, TResponse> WithCaller<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class
    {
        var authorization = http.HttpContext?.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(authorization)) return context;
        var headers = context.Options.Headers ?? [];
        if (headers.Get("authorization") is null) headers.Add("authorization", authorization);
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}

public static class CallerForwardingExtensions
{
    /// <summary>
    /// A gRPC client of another Pingan service that carries the current caller's token:
    /// <c>services.AddPinganGrpcClient&lt;Units.UnitsClient&gt;(new Uri("http://registry:8081"))</c>.
    /// </summary>
    public static IHttpClientBuilder AddPinganGrpcClient<TClient>(this IServiceCollection services, Uri address) where TClient : class
    {
        services.AddHttpContextAccessor();
        services.AddTransient<CallerForwardingInterceptor>();
        return services.AddGrpcClient<TClient>(o => o.Address = address)
            .ConfigurePrimaryHttpMessageHandler(GrpcClientHandler.Create)
            .BalancedOver(address)
            .AddInterceptor<CallerForwardingInterceptor>();
    }
}

/// <summary>How a Pingan service's gRPC clients connect to another service.</summary>
public static class GrpcClientHandler
{
    /// <summary>
    /// A large HTTP/2 receive window (1 MB, not 64 KB): a page of a thousand units is about 150 KB, which with the
    /// default window waits for the client's window updates twice on the way. Several connections once one is busy.
    /// </summary>
    public static SocketsHttpHandler Create() => new()
    {
        InitialHttp2StreamWindowSize = 1 << 20,
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>
    /// Issue 16: an address that names a resolver rather than one server — <c>dns:///registry-pods:8081</c>, the headless
    /// Service of the callee's pods — spreads the calls over every address it resolves to (round robin; DNS read again
    /// every 30 seconds, and at once when a connection fails), where one HTTP/2 connection through a ClusterIP would
    /// carry every call to one pod. Inside the cluster the connections are plain HTTP/2, as with an http:// address.
    /// An http:// address is one server, as before.
    /// </summary>
    public static IHttpClientBuilder BalancedOver(this IHttpClientBuilder client, Uri address)
    {
        if (address.Scheme is "http" or "https") return client;
        client.Services.TryAddSingleton<ResolverFactory>(new DnsResolverFactory(TimeSpan.FromSeconds(30)));
        return client.ConfigureChannel(o =>
        {
            o.Credentials = ChannelCredentials.Insecure;
            o.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
        });
    }
}
