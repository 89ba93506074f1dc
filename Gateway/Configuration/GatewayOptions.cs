using MeshRpc.ControlPlane;

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

    /// <summary>Most a gem may unpack to (<c>--max-gem-unpacked-mb</c>): a decompression bomb is refused at publish.</summary>
    public long MaxGemUnpackedBytes { get; init; } = GemArchive.DefaultMaxUnpackedBytes;

    /// <summary>Whether tickets list the WebSocket relay through this gateway (<c>--relay false</c> turns it off).</summary>
    public bool Relay { get; init; } = true;

    /// <summary>The gateway's address as callers see it, for relay URLs; by default, the address each summon came in on.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>Summons a caller may make per second, sustained (<c>--summon-rate</c>); more are refused with 429 and Retry-After.</summary>
    public int SummonsPerSecond { get; init; } = 20;

    /// <summary>Summons a caller may make at once before the sustained rate applies (<c>--summon-burst</c>).</summary>
    public int SummonBurst { get; init; } = 100;

    /// <summary>Workers one caller may hold at once (<c>--max-workers-per-caller</c>).</summary>
    public int MaxWorkersPerCaller { get; init; } = 100;

    /// <summary>
    /// Where workers may connect at most (<c>--egress-allow 10.1.0.0/16:443,10.2.3.4:*</c>): a summon's egress destinations
    /// must each lie inside one of these. Empty (the default): workers reach nothing.
    /// </summary>
    public IReadOnlyList<EgressDestination> EgressAllowed { get; init; } = [];

    /// <summary>The operator's API key store (<c>--api-keys</c>); null: no API key authenticates.</summary>
    public string? ApiKeysFile { get; init; }

    /// <summary>The identity provider whose bearer JWTs authenticate callers; null: none does.</summary>
    public JwtIssuerOptions? Jwt { get; init; }

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
            ApiKeysFile = configuration["api-keys"],
            SummonsPerSecond = int.TryParse(configuration["summon-rate"], out var rate) ? rate : defaults.SummonsPerSecond,
            SummonBurst = int.TryParse(configuration["summon-burst"], out var burst) ? burst : defaults.SummonBurst,
            MaxWorkersPerCaller = int.TryParse(configuration["max-workers-per-caller"], out var quota) ? quota : defaults.MaxWorkersPerCaller,
            MaxGemUnpackedBytes = long.TryParse(configuration["max-gem-unpacked-mb"], out var unpacked) ? unpacked << 20 : defaults.MaxGemUnpackedBytes,
            Jwt = JwtIssuerOptions.From(configuration),
            EgressAllowed = [.. (configuration["egress-allow"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseEgress)],
        };
    }

    private static EgressDestination ParseEgress(string text) =>
        EgressDestination.TryParse(text, out var destination, out var problem) ? destination : throw new InvalidOperationException($"--egress-allow: {problem}");
}

/// <summary>
/// Where callers' bearer JWTs come from: an OpenID Connect authority (<c>--jwt-authority</c>, whose keys are
/// discovered), or a public key file (<c>--jwt-signing-key</c>) with an issuer; either way for an audience
/// (<c>--jwt-audience</c>). The token's <c>sub</c> is the caller, its <c>scope</c> the permissions.
/// </summary>
public sealed record JwtIssuerOptions
{
    /// <summary>The OpenID Connect authority.</summary>
    public string? Authority { get; init; }

    /// <summary>The expected <c>iss</c>.</summary>
    public string? Issuer { get; init; }

    /// <summary>The expected <c>aud</c>.</summary>
    public required string Audience { get; init; }

    /// <summary>A PEM file with the issuer's public key (EC or RSA).</summary>
    public string? SigningKeyFile { get; init; }

    /// <summary>Reads <c>jwt-authority</c>, <c>jwt-issuer</c>, <c>jwt-audience</c> and <c>jwt-signing-key</c>; null when none is set.</summary>
    public static JwtIssuerOptions? From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (authority, issuer, audience, key) = (configuration["jwt-authority"], configuration["jwt-issuer"], configuration["jwt-audience"], configuration["jwt-signing-key"]);
        if (authority is null && issuer is null && audience is null && key is null)
        {
            return null;
        }

        if (audience is null || (authority is null) == (key is null) || (key is not null && issuer is null))
        {
            throw new InvalidOperationException(
                "JWT authentication needs --jwt-audience and either --jwt-authority (OpenID Connect) or --jwt-signing-key with --jwt-issuer.");
        }

        return new JwtIssuerOptions { Authority = authority, Issuer = issuer, Audience = audience, SigningKeyFile = key };
    }
}
