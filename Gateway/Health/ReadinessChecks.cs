using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Spawn;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshRpc.Gateway.Health;

/// <summary>The gem store takes writes: publishing a gem needs it.</summary>
internal sealed class GemStoreWritable(GatewayOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = Path.Combine(options.GemStore, $".ready-{Guid.NewGuid():N}");
        try
        {
            // The store makes its folder when it first publishes; a folder that cannot be made is as bad as one that takes no writes.
            Directory.CreateDirectory(options.GemStore);
            await File.WriteAllBytesAsync(probe, [], cancellationToken);
            File.Delete(probe);
            return HealthCheckResult.Healthy("The gem store takes writes.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The exception (with the path) goes to the gateway's log; the answer, which anyone may read, names no path.
            return HealthCheckResult.Unhealthy("The gem store cannot be written: check the disk and the --gem-store folder.", ex);
        }
    }
}

/// <summary>The ticket-signing key is loaded: no summon can get a ticket without it.</summary>
internal sealed class TicketKeyLoaded(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Resolving the issuer loads the key (or makes one), as the first summon would.
            _ = services.GetRequiredService<TicketIssuer>().Signer;
            return Task.FromResult(HealthCheckResult.Healthy("The ticket-signing key is loaded."));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The ticket-signing key cannot be loaded: check the --ticket-key file (a PKCS#8 EC key, readable by the gateway).", ex));
        }
    }
}

/// <summary>At least one node agent is live: without one, every summon fails.</summary>
internal sealed class LiveNodes(NodeRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var live = registry.LiveNodes().Count;
        return Task.FromResult(live > 0
            ? HealthCheckResult.Healthy($"{live} live node(s).")
            : HealthCheckResult.Unhealthy("No node agent is live: start one ('x-hauki-core agent --gateway URL' with a join token), or read the agents' logs for why they do not heartbeat."));
    }
}

/// <summary>With several gateways, the Redis they share the swarm's state through answers: summons and teardowns need it.</summary>
internal sealed class SharedStateReachable(GatewayOptions options, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Redis is null)
        {
            return HealthCheckResult.Healthy("This gateway keeps the swarm's state in memory.");
        }

        try
        {
            var latency = await services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"Redis answers in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or StackExchange.Redis.RedisTimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis (--redis) does not answer: start it, or check the address; summons and teardowns fail until it does.", ex);
        }
    }
}
