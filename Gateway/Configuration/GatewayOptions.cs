using MeshRpc.ControlPlane;
using Microsoft.Extensions.Configuration;

namespace MeshRpc.Gateway.Configuration;

/// <summary>
/// How UAH CORE runs: bound from configuration (the command line's <c>--gem-store</c>, <c>--summon-rate</c>, ...; each
/// property names its key) and checked at start-up by <see cref="GatewayOptionsValidator"/>.
/// </summary>
public sealed record GatewayOptions
{
    /// <summary>Folder of the content-addressed gem store (<c>--gem-store</c>).</summary>
    [ConfigurationKeyName("gem-store")]
    public string GemStore { get; init; } = Path.Combine(Path.GetTempPath(), "meshrpc-gems");

    /// <summary>The PEM file of the ticket-signing key (<c>--ticket-key</c>); by default <c>ticket-key.pem</c> beside the gem store.</summary>
    [ConfigurationKeyName("ticket-key")]
    public string? TicketKey { get; init; }

    /// <summary>The PEM file holding the ticket-signing key (created on first start, kept across restarts).</summary>
    public string TicketKeyFile => TicketKey ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(GemStore))!, "ticket-key.pem");

    /// <summary>A node that has not heartbeated for this many milliseconds is dead and gets no workers (<c>--node-dead-after-ms</c>).</summary>
    [ConfigurationKeyName("node-dead-after-ms")]
    public int NodeDeadAfterMs { get; init; } = 5_000;

    /// <summary>A node that has not heartbeated for this long is dead and gets no workers.</summary>
    public TimeSpan NodeDeadAfter => TimeSpan.FromMilliseconds(NodeDeadAfterMs);

    /// <summary>Default heartbeat timeout put in tickets (<c>--heartbeat-timeout-ms</c>).</summary>
    [ConfigurationKeyName("heartbeat-timeout-ms")]
    public int WorkerHeartbeatTimeoutMs { get; init; } = 10_000;

    /// <summary>Shortest heartbeat timeout a caller may ask for.</summary>
    public int MinHeartbeatTimeoutMs { get; init; } = 500;

    /// <summary>How many milliseconds an issued ticket can open new connections (<c>--ticket-lifetime-ms</c>).</summary>
    [ConfigurationKeyName("ticket-lifetime-ms")]
    public int TicketLifetimeMs { get; init; } = 3_600_000;

    /// <summary>How long an issued ticket can open new connections.</summary>
    public TimeSpan TicketLifetime => TimeSpan.FromMilliseconds(TicketLifetimeMs);

    /// <summary>
    /// The longest a worker may live (<c>--max-worker-lifetime-ms</c>, a day by default): the lifetime of a summon that
    /// asks for none, and the most any summon or extension gets.
    /// </summary>
    [ConfigurationKeyName("max-worker-lifetime-ms")]
    public long MaxWorkerLifetimeMs { get; init; } = 86_400_000;

    /// <summary>Largest source code a summon may carry.</summary>
    public int MaxSourceChars { get; init; } = 1 << 20;

    /// <summary>Largest gem accepted.</summary>
    public long MaxGemBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most a gem may unpack to, in MiB (<c>--max-gem-unpacked-mb</c>): a decompression bomb is refused at publish.</summary>
    [ConfigurationKeyName("max-gem-unpacked-mb")]
    public int MaxGemUnpackedMb { get; init; } = (int)(GemArchive.DefaultMaxUnpackedBytes >> 20);

    /// <summary>Most a gem may unpack to, in bytes.</summary>
    public long MaxGemUnpackedBytes => (long)MaxGemUnpackedMb << 20;

    /// <summary>
    /// How much of the gem store the gems nodes compiled from summoned source may take, in MiB (<c>--compiled-cache-mb</c>);
    /// the least recently summoned go first beyond it, and compile again when next summoned.
    /// </summary>
    [ConfigurationKeyName("compiled-cache-mb")]
    public int CompiledCacheMb { get; init; } = 1024;

    /// <summary>Whether tickets list the WebSocket relay through this gateway (<c>--relay false</c> turns it off).</summary>
    [ConfigurationKeyName("relay")]
    public bool Relay { get; init; } = true;

    /// <summary>The gateway's address as callers see it, for relay URLs (<c>--public-url</c>); by default, the address each summon came in on.</summary>
    [ConfigurationKeyName("public-url")]
    public Uri? PublicUrl { get; init; }

    /// <summary>Summons a caller may make per second, sustained (<c>--summon-rate</c>); more are refused with 429 and Retry-After.</summary>
    [ConfigurationKeyName("summon-rate")]
    public int SummonsPerSecond { get; init; } = 20;

    /// <summary>Summons a caller may make at once before the sustained rate applies (<c>--summon-burst</c>).</summary>
    [ConfigurationKeyName("summon-burst")]
    public int SummonBurst { get; init; } = 100;

    /// <summary>Workers one caller may hold at once (<c>--max-workers-per-caller</c>).</summary>
    [ConfigurationKeyName("max-workers-per-caller")]
    public int MaxWorkersPerCaller { get; init; } = 100;

    /// <summary>
    /// Where workers may connect at most (<c>--egress-allow 10.1.0.0/16:443,10.2.3.4:*</c>), comma-separated: a summon's
    /// egress destinations must each lie inside one of these. Empty (the default): workers reach nothing.
    /// </summary>
    [ConfigurationKeyName("egress-allow")]
    public string? EgressAllow { get; init; }

    /// <summary>The destinations of <see cref="EgressAllow"/>; the validator has made sure each parses.</summary>
    public IReadOnlyList<EgressDestination> EgressAllowed =>
        [.. (EgressAllow ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(EgressDestination.Parse)];

    /// <summary>The operator's API key store (<c>--api-keys</c>); null: no API key authenticates.</summary>
    [ConfigurationKeyName("api-keys")]
    public string? ApiKeysFile { get; init; }

    /// <summary>
    /// The Redis that holds the control plane's state, for several gateways serving one swarm (<c>--redis host:port</c>,
    /// StackExchange.Redis configuration syntax); null (the default): this gateway keeps it in memory, alone.
    /// docs/scaling.md says what it holds and what each failure does.
    /// </summary>
    public string? Redis { get; init; }

    /// <summary>What every key UAH CORE writes in Redis starts with (<c>--redis-prefix</c>), so that several meshes can share a server.</summary>
    [ConfigurationKeyName("redis-prefix")]
    public string RedisPrefix { get; init; } = "meshrpc:";

    /// <summary>
    /// How long a node's registration lives in Redis after its last heartbeat: its lease. A node dead for this long
    /// leaves the service registry by itself (with one gateway, a dead node stays listed as dead).
    /// </summary>
    public TimeSpan NodeLease => TimeSpan.FromMilliseconds(Math.Max(NodeDeadAfterMs * 12L, 60_000));
}
