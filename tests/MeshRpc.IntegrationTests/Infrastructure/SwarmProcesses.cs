using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>A gateway and three node agents, each its own process on its own data-plane address (127.0.0.2 to .4).</summary>
public sealed class SwarmProcesses : IAsyncLifetime
{
    /// <summary>Worker slots per node.</summary>
    public const int SlotsPerNode = 10;

    private readonly string _workDirectory = Directory.CreateTempSubdirectory("meshrpc-swarm-").FullName;
    private readonly Dictionary<string, ChildProcess> _agents = [];
    private ChildProcess? _gateway;

    /// <summary>Where UAH CORE listens.</summary>
    public Uri GatewayAddress { get; private set; } = null!;

    /// <summary>The node ids, in order.</summary>
    public IReadOnlyList<string> NodeIds { get; } = ["node-a", "node-b", "node-c"];

    /// <summary>Each node's labels: only node-a has a GPU.</summary>
    public IReadOnlyList<string> NodeLabels { get; } = ["gpu,zone=eu", "zone=eu", "zone=us"];

    /// <summary>A new client for the swarm, as the usual caller.</summary>
    public MeshClient CreateClient() => TestCredentials.Client(GatewayAddress, TestCredentials.Caller);

    /// <summary>A new client for the swarm, as the operator.</summary>
    public MeshClient CreateAdminClient() => TestCredentials.Client(GatewayAddress, TestCredentials.Admin);

    /// <summary>Kills one node's agent with SIGKILL.</summary>
    public void KillNode(string nodeId) => _agents[nodeId].KillHard();

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        (_gateway, GatewayAddress) = await MeshProcesses.StartGatewayAsync(_workDirectory);
        for (var i = 0; i < NodeIds.Count; i++)
        {
            var (agent, _) = await MeshProcesses.StartAgentAsync(GatewayAddress, NodeIds[i], Path.Combine(_workDirectory, NodeIds[i]),
                ["--sandbox", "process", "--data-plane", $"127.0.0.{i + 2}", "--slots", SlotsPerNode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "--labels", NodeLabels[i], "--memory-mb", "512"]);
            _agents[NodeIds[i]] = agent;
        }

        using var client = CreateClient();
        await client.PublishGemAsync(TestGem.Pack());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values)
        {
            await agent.DisposeAsync();
        }

        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        Directory.Delete(_workDirectory, recursive: true);
    }
}
