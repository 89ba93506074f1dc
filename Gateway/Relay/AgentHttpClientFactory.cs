using MeshRpc.Gateway.Security;
using Yarp.ReverseProxy.Forwarder;

namespace MeshRpc.Gateway.Relay;

/// <summary>
/// YARP's HTTP clients to node agents, over mutual TLS: they present the gateway's certificate and accept only the
/// agent certificate pinned in the cluster's metadata (the fingerprint the agent registered with).
/// </summary>
public sealed class AgentHttpClientFactory(GatewayCertificate certificate) : ForwarderHttpClientFactory
{
    /// <summary>The cluster metadata key holding the agent's certificate fingerprint.</summary>
    public const string PinKey = "agentCertificateSha256";

    /// <inheritdoc />
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(handler);
        base.ConfigureHandler(context, handler);
        handler.SslOptions = certificate.ClientOptions(Pin(context.NewMetadata) ?? string.Empty);
    }

    /// <inheritdoc />
    protected override bool CanReuseOldClient(ForwarderHttpClientContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // A restarted agent keeps its node id but has a new certificate: its cluster needs a client with the new pin.
        return base.CanReuseOldClient(context) && Pin(context.OldMetadata) == Pin(context.NewMetadata);
    }

    private static string? Pin(IReadOnlyDictionary<string, string>? metadata) => metadata?.GetValueOrDefault(PinKey);
}
