using MeshRpc.Health;

namespace MeshRpc.Gateway.Health;

/// <summary>UAH CORE's readiness: the gem store takes writes, the ticket key is loaded, a node is live, the shared state (Redis, if any) answers (<see cref="HealthProbes"/> serves it).</summary>
internal static class HealthEndpoints
{
    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<GemStoreWritable>("gem-store", tags: [HealthProbes.Ready])
            .AddCheck<TicketKeyLoaded>("ticket-key", tags: [HealthProbes.Ready])
            .AddCheck<LiveNodes>("live-nodes", tags: [HealthProbes.Ready])
            .AddCheck<SharedStateReachable>("shared-state", tags: [HealthProbes.Ready]);
        return services;
    }
}
