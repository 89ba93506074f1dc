using MeshRpc.ControlPlane;
using MeshRpc.Gateway;
using MeshRpc.Gateway.Security;
using MeshRpc.NodeAgent;
using Microsoft.AspNetCore.Builder;

namespace MeshRpc.Testing;

/// <summary>
/// A whole mesh in this process tree: UAH CORE and node agents as in-process hosts, workers as the agents' sandboxed
/// children, with credentials of its own. For an integration test against a real mesh:
/// <code>
/// await using var mesh = await EmbeddedMesh.StartAsync();
/// using var client = mesh.CreateClient();
/// await using var calculator = await client.SummonAsync&lt;ICalculator&gt;(SummonRequest.FromGem(await mesh.PublishAsync&lt;ICalculator, Calculator&gt;("calculator")));
/// </code>
/// </summary>
public sealed class EmbeddedMesh : IAsyncDisposable
{
    private static readonly string[] QuietLogging =
    [
        "--Logging:LogLevel:Default=Warning",
        "--Logging:Console:LogToStandardErrorThreshold=Trace",
    ];

    private readonly WebApplication _gateway;
    private readonly List<WebApplication> _agents = [];
    private readonly string _workDirectory;
    private readonly MeshCredential _operator;
    private bool _gatewayStarted;

    private EmbeddedMesh(WebApplication gateway, string workDirectory, MeshCredential caller, string operatorKey)
    {
        _gateway = gateway;
        _workDirectory = workDirectory;
        Caller = caller;
        OperatorKey = operatorKey;
        _operator = MeshCredential.FromKey(operatorKey);
    }

    /// <summary>Where UAH CORE listens (an ephemeral loopback port).</summary>
    public Uri GatewayAddress => new(_gateway.Urls.First());

    /// <summary>The credential of this mesh's caller: it summons from gems and source and publishes gems.</summary>
    public MeshCredential Caller { get; }

    /// <summary>
    /// The API key of this mesh's operator (permission <c>admin</c>: everything), made fresh for this mesh and valid
    /// until it stops; for a tool that hands it to its user, as <c>x-hauki-core up</c> does.
    /// </summary>
    public string OperatorKey { get; }

    /// <summary>The sandbox provider the node agent uses.</summary>
    public string Sandbox { get; private set; } = "unknown";

    /// <summary>A client of this mesh with <see cref="Caller"/>'s credential: it summons from gems and source and publishes gems.</summary>
    public MeshClient CreateClient() => new(GatewayAddress, Caller);

    /// <summary>
    /// Publishes <typeparamref name="TWorker"/>'s assembly (and its contract's, where that is another) as the gem
    /// <paramref name="name"/>@<paramref name="version"/>, serving <typeparamref name="TContract"/>; returns its pointer.
    /// </summary>
    public async Task<string> PublishAsync<TContract, TWorker>(string name, string version = "1.0.0", CancellationToken cancellationToken = default)
        where TContract : class
        where TWorker : TContract
    {
        var archive = MeshGem.Pack<TContract, TWorker>(name, version);
        using var client = CreateClient();
        await client.PublishGemAsync(archive, cancellationToken);
        return $"gem://{name}@{version}";
    }

    /// <summary>A client of this mesh with its operator's credential, which reads the registry (nodes, workers, warm pools) and tears down any worker.</summary>
    public MeshClient CreateOperatorClient() => new(GatewayAddress, _operator);

    /// <summary>The worker's process id on the node, as its node reports it.</summary>
    public async Task<int> HostProcessIdOfAsync(string workerId)
    {
        using var mesh = CreateOperatorClient();
        var registry = await mesh.Gateway.GetServiceRegistryAsync();
        return registry.Nodes.SelectMany(n => n.Workers).Single(w => w.WorkerId == workerId).ProcessId;
    }

    /// <summary>Starts the gateway and one node agent with the strongest sandbox this machine offers, and waits until the node is live.</summary>
    public static Task<EmbeddedMesh> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync("auto", nodes: 1, cancellationToken);

    /// <summary>Starts the gateway, then a node agent with the given sandbox, and waits until the node is registered and live.</summary>
    public static Task<EmbeddedMesh> StartAsync(string sandbox, CancellationToken cancellationToken, params string[] agentArguments) =>
        StartAsync(sandbox, nodes: 1, cancellationToken, agentArguments);

    /// <summary>
    /// Starts the gateway and <paramref name="nodes"/> node agents (node-1 on 127.0.0.1, node-2 on 127.0.0.2, ...),
    /// and waits until all are registered and live.
    /// </summary>
    public static Task<EmbeddedMesh> StartAsync(string sandbox, int nodes, CancellationToken cancellationToken, params string[] agentArguments) =>
        StartCoreAsync(sandbox, nodes, gatewayUrl: "http://127.0.0.1:0", agentArguments, cancellationToken);

    /// <summary>
    /// Starts the gateway on <paramref name="gatewayUrl"/> (for a mesh that other tools reach at a known address, as
    /// <c>x-hauki-core up</c> runs it) and one node agent with the given sandbox, and waits until the node is live.
    /// </summary>
    public static Task<EmbeddedMesh> StartAsync(Uri gatewayUrl, string sandbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayUrl);
        return StartCoreAsync(sandbox, nodes: 1, gatewayUrl.ToString().TrimEnd('/'), [], cancellationToken);
    }

    private static async Task<EmbeddedMesh> StartCoreAsync(string sandbox, int nodes, string gatewayUrl, string[] agentArguments, CancellationToken cancellationToken)
    {
        var workDirectory = Directory.CreateTempSubdirectory("meshrpc-mesh-").FullName;

        // The embedded mesh is its own operator: it makes a key for its caller, one for itself and the nodes' join token.
        var keys = Path.Combine(workDirectory, "api-keys.json");
        var caller = ApiKeyStore.Create(keys, "caller", [MeshPermissions.SummonGem, MeshPermissions.SummonSource, MeshPermissions.PublishGems]);
        var @operator = ApiKeyStore.Create(keys, "operator", [MeshPermissions.Admin]);
        var joinToken = ApiKeyStore.Create(keys, "nodes", [MeshPermissions.NodeJoin]);
        // Its one caller is its user: rate limits and quotas, there to share a gateway fairly, would only slow tests and benchmarks.
        var gateway = GatewayApp.Build([
            .. QuietLogging, "--gem-store", Path.Combine(workDirectory, "gems"), "--api-keys", keys,
            "--summon-rate", "10000", "--summon-burst", "10000", "--max-workers-per-caller", "10000", "--urls", gatewayUrl]);
        var mesh = new EmbeddedMesh(gateway, workDirectory, MeshCredential.FromKey(caller), @operator);
        try
        {
            await gateway.StartAsync(cancellationToken);
            mesh._gatewayStarted = true;
            await mesh.StartAgentsAsync(sandbox, nodes, joinToken, agentArguments, cancellationToken);
            await mesh.WaitForLiveNodesAsync(nodes, cancellationToken);
            return mesh;
        }
        catch
        {
            // A mesh that could not start leaves no host running and no files behind.
            await mesh.DisposeAsync();
            throw;
        }
    }

    private async Task StartAgentsAsync(string sandbox, int nodes, string joinToken, string[] agentArguments, CancellationToken cancellationToken)
    {
        for (var i = 1; i <= nodes; i++)
        {
            var agent = NodeAgentApp.Build([
                .. QuietLogging,
                "--gateway", GatewayAddress.ToString(),
                "--node-id", $"node-{i}",
                "--data-plane", $"127.0.0.{i}",
                "--work-dir", Path.Combine(_workDirectory, $"agent-{i}"),
                "--sandbox", sandbox,
                "--join-token", joinToken,

                // The mesh's user is its operator and only caller; with the plain-process provider (the only one on
                // machines without LXC or bubblewrap) a summon from source runs uncontained, knowingly.
                "--allow-uncontained-source", "true",
                .. agentArguments,
            ]);
            try
            {
                await agent.StartAsync(cancellationToken);
            }
            catch
            {
                // A host whose start failed cannot be stopped, only disposed.
                await agent.DisposeAsync();
                throw;
            }

            _agents.Add(agent);
        }
    }

    /// <summary>Stops the agents (tearing down any worker left), then the gateway, and removes the mesh's files.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.StopAsync();
            await agent.DisposeAsync();
        }

        if (_gatewayStarted)
        {
            await _gateway.StopAsync();
        }

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
