using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Egress;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.NodeAgent.Workers;

namespace MeshRpc.NodeAgent;

/// <summary>
/// The node's own set-up, before it takes any work (the warm pool and the registration start after it): the folders
/// sandboxes bind, the trust bundle, reaping what a killed predecessor left, and the egress firewall. On the way out,
/// after the server and the registration have stopped, no sandbox outlives its agent.
/// </summary>
internal sealed class NodeStartup(NodeAgentOptions options, ISandboxProvider sandboxes, EgressNetwork egress, WorkerTable workers, ILogger<ISandboxProvider> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.EgressSubnet is not null && (!sandboxes.ContainsWorkers || Environment.UserName != "root"))
        {
            throw new AgentStartupException(
                $"--egress-subnet needs a sandbox that contains workers and an agent run as root (it routes and filters their traffic); this agent runs '{sandboxes.Name}' sandboxes as {Environment.UserName}. Use --sandbox lxc or bwrap as root, or leave egress off.");
        }

        // Sandboxes bind-mount the gem cache and the trust bundle, so both must exist before the first one (or the warm pool) starts.
        Directory.CreateDirectory(options.GemCacheDirectory);
        foreach (var folder in Traversal.Grant(options.WorkDirectory).Concat(Traversal.Grant(WorkerHostCommand.HostDirectory)))
        {
            Log.TraversalGranted(logger, folder);
        }

        var roots = WorkerTrust.Export(options.TrustDirectory);
        var reaped = await sandboxes.ReapOrphansAsync();
        await egress.StartAsync();
        Log.SandboxReady(logger, sandboxes.Name, reaped, roots);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await workers.DestroyAllAsync();
        await egress.StopAsync();
    }
}
