namespace MeshRpc.Gateway.Configuration;

/// <summary>How UAH CORE runs; bound from the command line (<c>--gem-store</c>, <c>--heartbeat-timeout-ms</c>, ...).</summary>
public sealed record GatewayOptions
{
    /// <summary>Folder of the content-addressed gem store.</summary>
    public string GemStore { get; init; } = Path.Combine(Path.GetTempPath(), "meshrpc-gems");

    /// <summary>A node that has not heartbeated for this long is dead and gets no workers.</summary>
    public TimeSpan NodeDeadAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Default heartbeat timeout put in tickets.</summary>
    public int WorkerHeartbeatTimeoutMs { get; init; } = 10_000;

    /// <summary>Shortest heartbeat timeout a caller may ask for.</summary>
    public int MinHeartbeatTimeoutMs { get; init; } = 500;

    /// <summary>How long an issued ticket can open new connections.</summary>
    public TimeSpan TicketLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The PEM file holding the ticket-signing key (created on first start, kept across restarts).</summary>
    public string TicketKeyFile { get; init; } = Path.Combine(Path.GetTempPath(), "meshrpc-uah-core", "ticket-key.pem");

    /// <summary>Largest source code a summon may carry.</summary>
    public int MaxSourceChars { get; init; } = 1 << 20;

    /// <summary>Largest gem accepted.</summary>
    public long MaxGemBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Whether tickets list the WebSocket relay through this gateway (<c>--relay false</c> turns it off).</summary>
    public bool Relay { get; init; } = true;

    /// <summary>The gateway's address as callers see it, for relay URLs; by default, the address each summon came in on.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>Reads options from configuration keys.</summary>
    public static GatewayOptions From(IConfiguration configuration)
    {
        var defaults = new GatewayOptions();
        return defaults with
        {
            GemStore = configuration["gem-store"] ?? defaults.GemStore,
            TicketKeyFile = configuration["ticket-key"]
                ?? (configuration["gem-store"] is { } store ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(store))!, "ticket-key.pem") : defaults.TicketKeyFile),
            TicketLifetime = int.TryParse(configuration["ticket-lifetime-ms"], out var lifetime) ? TimeSpan.FromMilliseconds(lifetime) : defaults.TicketLifetime,
            NodeDeadAfter = int.TryParse(configuration["node-dead-after-ms"], out var deadMs) ? TimeSpan.FromMilliseconds(deadMs) : defaults.NodeDeadAfter,
            WorkerHeartbeatTimeoutMs = int.TryParse(configuration["heartbeat-timeout-ms"], out var hb) ? hb : defaults.WorkerHeartbeatTimeoutMs,
            Relay = configuration["relay"] is not { } relay || (bool.TryParse(relay, out var on) ? on
                : throw new InvalidOperationException($"--relay takes true or false, not '{relay}'.")),
            PublicUrl = configuration["public-url"] is { } url ? new Uri(url.EndsWith('/') ? url : url + "/") : null,
        };
    }
}
