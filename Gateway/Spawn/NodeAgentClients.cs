using System.Collections.Concurrent;
using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Spawn;

/// <summary>One Refit client per node agent, reused across summons.</summary>
public sealed class NodeAgentClients : IDisposable
{
    private readonly ConcurrentDictionary<string, (HttpClient Http, INodeAgentApi Api)> _clients = new(StringComparer.Ordinal);

    /// <summary>The client for the agent at <paramref name="agentUrl"/>.</summary>
    public INodeAgentApi For(string agentUrl) => _clients.GetOrAdd(agentUrl, static url =>
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        return (http, MeshHttp.NodeAgent(http));
    }).Api;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Http.Dispose();
        }
    }
}
