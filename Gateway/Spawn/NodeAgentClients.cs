using System.Collections.Concurrent;
using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Spawn;

/// <summary>One Refit client per node agent, reused across summons, presenting the token the agent registered with.</summary>
public sealed class NodeAgentClients : IDisposable
{
    private readonly ConcurrentDictionary<(string Url, string Token), (HttpClient Http, INodeAgentApi Api)> _clients = new();

    /// <summary>The client for the agent <paramref name="node"/> registered.</summary>
    public INodeAgentApi For(NodeRegistration node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _clients.GetOrAdd((node.AgentUrl, node.AgentToken), static key =>
        {
            var http = new HttpClient { BaseAddress = new Uri(key.Url), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key.Token);
            return (http, MeshHttp.NodeAgent(http));
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
