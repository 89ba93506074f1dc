using StackExchange.Redis;

namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>The names of everything UAH CORE keeps in Redis, under one prefix (<c>--redis-prefix</c>), so several meshes can share a server.</summary>
public sealed class RedisKeys(string prefix)
{
    /// <summary>The set of node ids with a state.</summary>
    public RedisKey NodeIndex { get; } = prefix + "nodes";

    /// <summary>The ticket-signing key ring: <c>current</c> and <c>previous</c> key ids, and <c>key:{id}</c> each key's PEM.</summary>
    public RedisKey TicketKeys { get; } = prefix + "ticket-keys";

    /// <summary>The gateways' client certificate for mutual TLS with agents.</summary>
    public RedisKey GatewayCertificate { get; } = prefix + "gateway-certificate";

    /// <summary>What every node's key starts with.</summary>
    public string NodePrefix { get; } = prefix + "node:";

    /// <summary>A node's state and version.</summary>
    public RedisKey Node(string nodeId) => NodePrefix + nodeId;

    /// <summary>Where a worker was placed.</summary>
    public RedisKey Placement(string workerId) => prefix + "placement:" + workerId;

    /// <summary>A summon by its caller-scoped idempotency key.</summary>
    public RedisKey Summon(string key) => prefix + "summon:" + key;

    /// <summary>The idempotency key of the summon that made a worker.</summary>
    public RedisKey SummonOf(string workerId) => prefix + "summon-of:" + workerId;

    /// <summary>A worker that ended.</summary>
    public RedisKey Ended(string workerId) => prefix + "ended:" + workerId;
}
