using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Spawn;
using StackExchange.Redis;

namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>
/// Summons by idempotency key in Redis, so a summon sent again to another gateway finds what the first left: one hash
/// per key (<c>started</c>, <c>node</c>, <c>response</c>), kept for <see cref="ISummonLedger.Kept"/> or until its worker's
/// teardown (<c>summon-of:{worker}</c> names the key). The answer holds
/// the worker's ticket: Redis is reachable by the gateways alone (docs/scaling.md).
/// </summary>
public sealed class RedisSummonLedger(IConnectionMultiplexer redis, RedisKeys keys) : ISummonLedger
{
    private readonly IDatabase _redis = redis.GetDatabase();

    /// <inheritdoc />
    public async ValueTask<SummonEntry?> BeginAsync(string key)
    {
        var hash = keys.Summon(key);
        if (await _redis.HashSetAsync(hash, "started", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), When.NotExists))
        {
            await _redis.KeyExpireAsync(hash, ISummonLedger.Kept);
            return null;
        }

        var fields = await _redis.HashGetAsync(hash, ["node", "response"]);
        return new SummonEntry(
            fields[0].HasValue ? (string)fields[0]! : null,
            fields[1].HasValue ? JsonSerializer.Deserialize((byte[])fields[1]!, ControlPlaneJsonContext.Default.SpawnEphemeralResponse) : null);
    }

    /// <inheritdoc />
    public async ValueTask<string> ClaimNodeAsync(string key, string nodeId)
    {
        var hash = keys.Summon(key);
        await _redis.HashSetAsync(hash, "node", nodeId, When.NotExists);
        await _redis.KeyExpireAsync(hash, ISummonLedger.Kept);
        return (string?)await _redis.HashGetAsync(hash, "node") ?? nodeId;
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(string key, SpawnEphemeralResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        await _redis.HashSetAsync(keys.Summon(key), "response", JsonSerializer.SerializeToUtf8Bytes(response, ControlPlaneJsonContext.Default.SpawnEphemeralResponse));
        await _redis.StringSetAsync(keys.SummonOf(response.Ticket.WorkerId), key, ISummonLedger.Kept);
    }

    /// <inheritdoc />
    public async ValueTask ForgetWorkerAsync(string workerId)
    {
        if (await _redis.StringGetDeleteAsync(keys.SummonOf(workerId)) is { HasValue: true } key)
        {
            await _redis.KeyDeleteAsync(keys.Summon((string)key!));
        }
    }

    /// <inheritdoc />
    public async ValueTask ForgetAsync(string key) => await _redis.KeyDeleteAsync(keys.Summon(key));
}
