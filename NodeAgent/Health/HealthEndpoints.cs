using MeshRpc.Health;

namespace MeshRpc.NodeAgent.Health;

/// <summary>
/// The agent's readiness: its sandbox provider can start workers, its gateway accepts its heartbeats
/// (<see cref="HealthProbes"/> serves it: the agent's only endpoints open to anyone, not only the gateway).
/// </summary>
internal static class HealthEndpoints
{
    public static IServiceCollection AddAgentHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<SandboxReady>("sandbox", tags: [HealthProbes.Ready])
            .AddCheck<GatewayReachable>("gateway", tags: [HealthProbes.Ready]);
        return services;
    }
}
