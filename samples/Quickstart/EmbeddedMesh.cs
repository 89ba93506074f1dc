using MeshRpc;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway;
using MeshRpc.Gateway.Security;
using MeshRpc.NodeAgent;
using Microsoft.AspNetCore.Builder;

namespace Quickstart;

/// <summary>A whole mesh in this process tree: UAH CORE and one node agent as in-process hosts; workers as the agent's sandboxed children.</summary>
public sealed class EmbeddedMesh : IAsyncDisposable
{
    private static readonly string[] QuietLogging =
    [
        "--Logging:LogLevel:Default=Warning",
        "--Logging:Console:LogToStandardErrorThreshold=Trace",
    ];

    private readonly WebApplication _gateway;
    private readonly IReadOnlyList<WebApplication> _agents;
    private readonly string _workDirectory;
    private readonly MeshCredential _operator;

    private EmbeddedMesh(WebApplication gateway, IReadOnlyList<WebApplication> agents, string workDirectory, Uri gatewayAddress, MeshCredential caller, MeshCredential @operator)
    {
        _gateway = gateway;
        _agents = agents;
        _workDirectory = workDirectory;
        GatewayAddress = gatewayAddress;
        Caller = caller;
        _operator = @operator;
    }

    /// <summary>Where UAH CORE listens.</summary>
    public Uri GatewayAddress { get; }

    /// <summary>The credential of this mesh's caller: it summons from gems and source and publishes gems.</summary>
    public MeshCredential Caller { get; }

    /// <summary>The sandbox provider the node agent uses.</summary>
    public string Sandbox { get; private set; } = "unknown";

    /// <summary>The worker's process id on the node, as its node reports it.</summary>
    public async Task<int> HostProcessIdOfAsync(string workerId)
    {
        using var mesh = new MeshClient(GatewayAddress, _operator);
        var registry = await mesh.Gateway.GetServiceRegistryAsync();
        return registry.Nodes.SelectMany(n => n.Workers).Single(w => w.WorkerId == workerId).ProcessId;
    }

    /// <summary>Starts the gateway, then a node agent with the given sandbox, and waits until the node is registered and live.</summary>
    public static Task<EmbeddedMesh> StartAsync(string sandbox, CancellationToken cancellationToken, params string[] agentArguments) =>
        StartAsync(sandbox, nodes: 1, cancellationToken, agentArguments);

    /// <summary>
    /// Starts the gateway and <paramref name="nodes"/> node agents (node-1 on 127.0.0.1, node-2 on 127.0.0.2, ...),
    /// and waits until all are registered and live.
    /// </summary>
    public static async Task<EmbeddedMesh> StartAsync(string sandbox, int nodes, CancellationToken cancellationToken, params string[] agentArguments)
    {
        var workDirectory = Directory.CreateTempSubdirectory("meshrpc-quickstart-").FullName;

        // The embedded mesh is its own operator: it makes a key for its caller, one for itself and the nodes' join token.
        var keys = Path.Combine(workDirectory, "api-keys.json");
        var caller = ApiKeyStore.Create(keys, "quickstart", [MeshPermissions.SummonGem, MeshPermissions.SummonSource, MeshPermissions.PublishGems]);
        var @operator = ApiKeyStore.Create(keys, "operator", [MeshPermissions.Admin]);
        var joinToken = ApiKeyStore.Create(keys, "nodes", [MeshPermissions.NodeJoin]);
        // Its one caller is itself: rate limits, there to share a gateway fairly, would only slow its benchmarks.
        var gateway = GatewayApp.Build([.. QuietLogging, "--gem-store", Path.Combine(workDirectory, "gems"), "--api-keys", keys, "--summon-rate", "10000", "--summon-burst", "10000"]);
        await gateway.StartAsync(cancellationToken);
        var gatewayAddress = new Uri(gateway.Urls.First());

        var agents = new List<WebApplication>();
        for (var i = 1; i <= nodes; i++)
        {
            var agent = NodeAgentApp.Build([
                .. QuietLogging,
                "--gateway", gatewayAddress.ToString(),
                "--node-id", $"node-{i}",
                "--data-plane", $"127.0.0.{i}",
                "--work-dir", Path.Combine(workDirectory, $"agent-{i}"),
                "--sandbox", sandbox,
                "--join-token", joinToken,

                // The quick start's user is its operator and only caller; with the plain-process provider (the only
                // one on machines without LXC or bubblewrap) its summon from source runs uncontained, knowingly.
                "--allow-uncontained-source", "true",
                .. agentArguments,
            ]);
            await agent.StartAsync(cancellationToken);
            agents.Add(agent);
        }

        var mesh = new EmbeddedMesh(gateway, agents, workDirectory, gatewayAddress, MeshCredential.FromKey(caller), MeshCredential.FromKey(@operator));
        await mesh.WaitForLiveNodesAsync(nodes, cancellationToken);
        return mesh;
    }

    /// <summary>Stops the agents (tearing down any worker left), then the gateway, and removes the mesh's files.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.StopAsync();
            await agent.DisposeAsync();
        }

        await _gateway.StopAsync();
        await _gateway.DisposeAsync();
        Directory.Delete(_workDirectory, recursive: true);
    }

    private async Task WaitForLiveNodesAsync(int nodes, CancellationToken cancellationToken)
    {
        using var mesh = new MeshClient(GatewayAddress, _operator);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            var registry = await mesh.Gateway.GetServiceRegistryAsync(deadline.Token);
            if (registry.Nodes.Count(n => n.Status == "live") >= nodes)
            {
                Sandbox = registry.Nodes[0].Sandbox;
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }
}
