using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Registration;
using MeshRpc.NodeAgent.Sandboxes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshRpc.NodeAgent.Health;

/// <summary>The node can forge: its gem cache takes writes, and its sandbox provider has what it needs.</summary>
internal sealed class SandboxReady(NodeAgentOptions options, ISandboxProvider sandboxes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = Path.Combine(options.GemCacheDirectory, $".ready-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllBytesAsync(probe, [], cancellationToken);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The exception (with the path) goes to the agent's log; the answer, which anyone may read, names no path.
            return HealthCheckResult.Unhealthy("The gem cache cannot be written: check the disk and the agent's --work-dir.", ex);
        }

        return sandboxes.ReadinessProblem() is { } problem
            ? HealthCheckResult.Unhealthy($"The {sandboxes.Name} sandbox cannot start workers: {problem}")
            : HealthCheckResult.Healthy($"The {sandboxes.Name} sandbox can start workers.");
    }
}

/// <summary>The gateway accepted a heartbeat lately: without it, the node gets no work and its workers count as lost.</summary>
internal sealed class GatewayReachable(NodeAgentOptions options, GatewayContact contact, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Three heartbeats missed, and at least ten seconds: a busy machine delays a heartbeat or two, which is no reason
        // to take the node out of rotation.
        var allowed = TimeSpan.FromTicks(Math.Max(options.HeartbeatInterval.Ticks * 3, TimeSpan.FromSeconds(10).Ticks));
        var since = contact.LastAccepted is { } accepted ? time.GetUtcNow() - accepted : (TimeSpan?)null;
        return Task.FromResult(since <= allowed
            ? HealthCheckResult.Healthy("UAH CORE accepts this node's heartbeats.")
            : HealthCheckResult.Unhealthy((since is { } age ? $"UAH CORE has not accepted a heartbeat for {age.TotalSeconds:0} s" : "UAH CORE has not accepted a heartbeat yet")
                + (contact.LastProblem is { } problem ? ": " + problem : ".")));
    }
}
