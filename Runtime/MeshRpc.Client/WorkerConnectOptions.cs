namespace MeshRpc;

/// <summary>Which path a caller's data-plane connection takes to its worker.</summary>
public enum DataPlaneRoute
{
    /// <summary>The worker's direct endpoint when it can be reached, else the gateway's relay (the default).</summary>
    Auto,

    /// <summary>Only the worker's direct endpoint.</summary>
    Direct,

    /// <summary>Only the relay through the gateway and the worker's node agent (for callers known to sit behind NAT or a firewall).</summary>
    Relay,
}

/// <summary>How a caller connects to workers.</summary>
public sealed record WorkerConnectOptions
{
    /// <summary>The default options.</summary>
    public static WorkerConnectOptions Default { get; } = new();

    /// <summary>Which path to take.</summary>
    public DataPlaneRoute Route { get; init; } = DataPlaneRoute.Auto;

    /// <summary>How long to wait for the direct endpoint before falling back to the relay (a silently dropped SYN would otherwise take minutes).</summary>
    public TimeSpan DirectConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long connecting, TLS and the ticket handshake may take in all.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Largest frame accepted from the worker; a larger declaration drops the connection (the call fails with
    /// <see cref="WorkerLostException"/>) before its body is read. Worker code is untrusted: it must not make its caller buffer gigabytes.
    /// </summary>
    public int MaxFrameBytes { get; init; } = Wire.Protocol.MaxFrameBytes;

    /// <summary>
    /// How long a call may take where neither a <c>MeshCall.Timeout(...)</c> scope nor the contract's <c>[MeshTimeout]</c>
    /// says; null (the default) waits as long as the worker lives. A call past it fails with <see cref="CallTimeoutException"/>
    /// and the worker's cancellation token fires.
    /// </summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary>The caller's credential for the gateway's relay (a <see cref="MeshClient"/> fills in its own).</summary>
    public MeshCredential? RelayCredential { get; init; }
}
