using System.Collections.Concurrent;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;
using Refit;

namespace MeshRpc.Gateway.Spawn;

/// <summary>One Refit client per node agent, reused across summons, over mutual TLS: the gateway's certificate, the agent's pinned.</summary>
public sealed class NodeAgentClients : IDisposable
{
    private static readonly RefitSettings Settings = new(new SystemTextJsonContentSerializer(ControlPlaneJsonContext.Default.Options));
    private readonly ConcurrentDictionary<(string Url, string Pin), (HttpClient Http, INodeAgentApi Api)> _clients = new();
    private readonly GatewayCertificate _certificate;

    /// <summary>Creates the clients.</summary>
    public NodeAgentClients(GatewayCertificate certificate) => _certificate = certificate;

    /// <summary>The client for the agent <paramref name="node"/> registered.</summary>
    public INodeAgentApi For(NodeRegistration node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _clients.GetOrAdd((node.AgentUrl, node.AgentCertificateSha256), key =>
        {
            var handler = new SocketsHttpHandler { SslOptions = _certificate.ClientOptions(key.Pin) };
            var http = new HttpClient(handler) { BaseAddress = new Uri(key.Url), Timeout = TimeSpan.FromSeconds(60) };
            return (http, RestService.ForGenerated<INodeAgentApi>(http, Settings));
        }).Api;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Http.Dispose();
        }
    }
}
