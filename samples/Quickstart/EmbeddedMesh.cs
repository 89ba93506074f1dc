using MeshRpc;
using MeshRpc.Gateway;
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
    private readonly WebApplication _agent;
    private readonly string _workDirectory;

    private EmbeddedMesh(WebApplication gateway, WebApplication agent, string workDirectory, Uri gatewayAddress)
    {
        _gateway = gateway;
        _agent = agent;
        _workDirectory = workDirectory;
        GatewayAddress = gatewayAddress;
    }

    /// <summary>Where UAH CORE listens.</summary>
    public Uri GatewayAddress { get; }

    /// <summary>The sandbox provider the node agent uses.</summary>
    public string Sandbox { get; private set; } = "unknown";

    /// <summary>The worker's process id on the node, as its node reports it.</summary>
    public async Task<int> HostProcessIdOfAsync(string workerId)
    {
        using var mesh = new MeshClient(GatewayAddress);
        var registry = await mesh.Gateway.GetServiceRegistryAsync();
        return registry.Nodes.SelectMany(n => n.Workers).Single(w => w.WorkerId == workerId).ProcessId;
    }

    /// <summary>Starts the gateway, then a node agent with the given sandbox, and waits until the node is registered and live.</summary>
    public static async Task<EmbeddedMesh> StartAsync(string sandbox, CancellationToken cancellationToken, params string[] agentArguments)
    {
        var workDirectory = Directory.CreateTempSubdirectory("meshrpc-quickstart-").FullName;
        var gateway = GatewayApp.Build([.. QuietLogging, "--gem-store", Path.Combine(workDirectory, "gems")]);
        await gateway.StartAsync(cancellationToken);
        var gatewayAddress = new Uri(gateway.Urls.First());

        var agent = NodeAgentApp.Build([
            .. QuietLogging,
            "--gateway", gatewayAddress.ToString(),
            "--node-id", "node-1",
            "--work-dir", Path.Combine(workDirectory, "agent"),
            "--sandbox", sandbox,
            .. agentArguments,
        ]);
        await agent.StartAsync(cancellationToken);

        var mesh = new EmbeddedMesh(gateway, agent, workDirectory, gatewayAddress);
        await mesh.WaitForLiveNodeAsync(cancellationToken);
        return mesh;
    }

    /// <summary>Stops the agent (tearing down any worker left), then the gateway, and removes the mesh's files.</summary>
    public async ValueTask DisposeAsync()
    {
        await _agent.StopAsync();
        await _agent.DisposeAsync();
        await _gateway.StopAsync();
        await _gateway.DisposeAsync();
        Directory.Delete(_workDirectory, recursive: true);
    }

    private async Task WaitForLiveNodeAsync(CancellationToken cancellationToken)
    {
        using var mesh = new MeshClient(GatewayAddress);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            var registry = await mesh.Gateway.GetServiceRegistryAsync(deadline.Token);
            if (registry.Nodes.FirstOrDefault(n => n.Status == "live") is { } node)
            {
                Sandbox = node.Sandbox;
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }
}
