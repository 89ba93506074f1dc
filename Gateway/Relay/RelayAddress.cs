using MeshRpc.Gateway.Configuration;

namespace MeshRpc.Gateway.Relay;

/// <summary>
/// Where a caller reaches the relay: through this gateway, at the address the caller itself used to summon (which it
/// can evidently reach), unless the operator names a public address. YARP forwards <c>/nodes/{nodeId}/relay/{workerId}</c>
/// to the worker's node agent, which bridges the WebSocket to the worker's port.
/// </summary>
public static class RelayAddress
{
    /// <summary>The relay URL for a worker, or null when the relay is turned off.</summary>
    public static string? For(GatewayOptions options, HttpRequest request, string nodeId, string workerId)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        if (!options.Relay)
        {
            return null;
        }

        var gateway = options.PublicUrl ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        var relay = new UriBuilder(new Uri(gateway, $"nodes/{Uri.EscapeDataString(nodeId)}/relay/{Uri.EscapeDataString(workerId)}"))
        {
            Scheme = gateway.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        return relay.Uri.ToString();
    }
}
