using MeshRpc.Gateway.Configuration;
using StackExchange.Redis;

namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>The gateway's one connection to Redis (StackExchange.Redis multiplexes every request over it).</summary>
public static class MeshRedis
{
    /// <summary>
    /// Connects to <see cref="GatewayOptions.Redis"/>. A Redis that goes away later is reconnected in the background
    /// while requests that need it answer 503; one that cannot be reached at start stops the start with one line.
    /// </summary>
    public static IConnectionMultiplexer Connect(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = ConfigurationOptions.Parse(options.Redis ?? throw new InvalidOperationException("No --redis is set."));
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 5_000;
        configuration.ClientName = "uah-core";

        // Back within half a second of Redis, not after an exponential back-off: summons resume as soon as it answers.
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        var redis = ConnectionMultiplexer.Connect(configuration);
        if (!redis.IsConnected)
        {
            redis.Dispose();
            // The endpoints, never the whole setting: it may hold the password.
            throw new RedisStateException(
                $"UAH CORE cannot reach Redis at {string.Join(", ", configuration.EndPoints.Select(EndPointCollection.ToString))} (--redis). Start redis-server there, or fix the address.");
        }

        return redis;
    }
}
