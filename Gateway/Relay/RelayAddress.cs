using MeshRpc.Gateway.Configuration;

namespace MeshRpc.Gateway.Relay;

/// <summary>
/// Where a caller reaches the relay: through this gateway, at the address the caller itself used to summon (which it
/// can evidently reach), unless the operator names a public address. YARP forwards <c>/nodes/{nodeId}/relay/{workerId}</c>
/// to the worker's node agent, which bridges the WebSocket to the worker's port.
/// </summary>
public static class RelayAddress
{
    /// <summary>The relay's base URL (<c>ws://</c> or <c>wss://</c>, ending in '/') for a summon that came in as <paramref name="request"/>, or null when the relay is off.</summary>
    public static Uri? BaseFor(GatewayOptions options, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        if (!options.Relay)
        {
            return null;
        }

        var gateway = options.PublicUrl ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        return new UriBuilder(gateway) { Scheme = gateway.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
    }

    /// <summary>The relay URL of one worker.</summary>
    public static string For(Uri relayBase, string nodeId, string workerId) =>
        new Uri(relayBase, $"nodes/{Uri.EscapeDataString(nodeId)}/relay/{Uri.EscapeDataString(workerId)}").ToString();
}
