using MeshRpc.ControlPlane;
using Refit;

namespace MeshRpc.NodeAgent.Registration;

/// <summary>The gateway's HTTP API as a node agent uses it: joining, heartbeats and gem downloads.</summary>
public interface IGatewayApi
{
    /// <summary>Registers (or re-registers) this node; the reply names the key that signs its workers' tickets.</summary>
    [Post("/api/v2/nodes")]
    Task<NodeRegistered> RegisterNodeAsync([Body] NodeRegistration registration, CancellationToken cancellationToken = default);

    /// <summary>Reports the node's live workers; 404 tells the agent to register again.</summary>
    [Post("/api/v2/nodes/{nodeId}/heartbeat")]
    Task<IApiResponse> HeartbeatAsync(string nodeId, [Body] NodeHeartbeat heartbeat, CancellationToken cancellationToken = default);

    /// <summary>Downloads a gem archive by digest.</summary>
    [Get("/api/v2/gems/{digest}")]
    Task<Stream> DownloadGemAsync(string digest, CancellationToken cancellationToken = default);

    /// <summary>A client over <paramref name="http"/> (whose BaseAddress is the gateway), with the control plane's JSON.</summary>
    public static IGatewayApi Create(HttpClient http) =>
        RestService.ForGenerated<IGatewayApi>(http, new RefitSettings(new SystemTextJsonContentSerializer(ControlPlaneJsonContext.Default.Options)));
}
