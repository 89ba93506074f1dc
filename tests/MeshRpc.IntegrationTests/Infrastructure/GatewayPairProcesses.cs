using MeshRpc.Testing.Redis;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>
/// Two gateway processes sharing one swarm's state through a real redis-server and one gem folder, and three node agents
/// (plain-process sandboxes, <see cref="SlotsPerNode"/> slots each, labelled <c>node=ID</c>): node-a and node-b registered with the first gateway,
/// node-c with the second; each agent names the other gateway as its fallback.
/// </summary>
public class GatewayPairProcesses : IAsyncLifetime
{
    /// <summary>Worker slots per node: few, so that a burst of summons finds every node full.</summary>
    public const int SlotsPerNode = 4;

    private readonly string _workDirectory = Directory.CreateTempSubdirectory("meshrpc-pair-").FullName;
    private readonly List<ChildProcess> _gateways = [];
    private readonly List<ChildProcess> _agents = [];
    private RedisServer? _redis;

    /// <summary>The sandbox the agents are asked for.</summary>
    protected virtual string RequestedSandbox => "process";

    /// <summary>Arguments every agent gets besides the pair's own.</summary>
    protected virtual IEnumerable<string> AgentArguments => [];

    /// <summary>The sandbox each agent got, by node.</summary>
    public IReadOnlyList<string> Sandboxes => _sandboxes;

    private readonly List<string> _sandboxes = [];

    /// <summary>The folder node <paramref name="nodeId"/>'s agent keeps its state in.</summary>
    public string AgentDirectory(string nodeId) => Path.Combine(_workDirectory, nodeId);

    /// <summary>The gateways' and agents' process ids, named.</summary>
    public IEnumerable<(string Name, int ProcessId)> Processes =>
        _gateways.Select((g, i) => ($"gateway {i}", g.Id)).Concat(_agents.Select((a, i) => ($"agent {Nodes[i].NodeId}", a.Id)));

    /// <summary>Where each gateway listens.</summary>
    public IReadOnlyList<Uri> Gateways { get; private set; } = [];

    /// <summary>The node ids, in order, and the gateway (by index) each registered with.</summary>
    public IReadOnlyList<(string NodeId, int Gateway)> Nodes { get; } = [("node-a", 0), ("node-b", 0), ("node-c", 1)];

    /// <summary>The shared redis-server.</summary>
    public RedisServer Redis => _redis!;

    /// <summary>What the processes printed, for failure messages.</summary>
    public string Logs => string.Join("\n", _gateways.Select((g, i) => $"--- gateway {i} ---\n{g.Output}").Concat(_agents.Select((a, i) => $"--- {Nodes[i].NodeId} ---\n{a.Output}")));

    /// <summary>A client of gateway <paramref name="index"/>, as the usual caller.</summary>
    public MeshClient Client(int index) => TestCredentials.Client(Gateways[index], TestCredentials.Caller);

    /// <summary>A client of gateway <paramref name="index"/>, as the operator.</summary>
    public MeshClient AdminClient(int index) => TestCredentials.Client(Gateways[index], TestCredentials.Admin);

    // Quotas and rates far above the 200 summons a test sends at once: what is under test is the slots.
    private string[] GatewayArguments => ["--redis", Redis.Address, "--max-workers-per-caller", "1000", "--summon-burst", "1000"];

    /// <summary>Kills gateway <paramref name="index"/> with SIGKILL.</summary>
    public void KillGateway(int index) => _gateways[index].KillHard();

    /// <summary>Starts gateway <paramref name="index"/> again on its address.</summary>
    public async Task RestartGatewayAsync(int index)
    {
        await _gateways[index].DisposeAsync();
        (_gateways[index], _) = await MeshProcesses.StartGatewayAsync(_workDirectory, Gateways[index], GatewayArguments);
    }

    /// <summary>Kills node <paramref name="nodeId"/>'s agent with SIGKILL: its sandboxes stay behind.</summary>
    public void KillAgent(string nodeId) => _agents[IndexOf(nodeId)].KillHard();

    /// <summary>Starts node <paramref name="nodeId"/>'s agent again, with its folder and gateways, and waits until it is live.</summary>
    public async Task RestartAgentAsync(string nodeId)
    {
        var index = IndexOf(nodeId);
        await _agents[index].DisposeAsync();
        _agents[index] = await StartAgentAsync(index);
    }

    /// <summary>The gateway (by index) node <paramref name="nodeId"/>'s agent registered with last: its home now.</summary>
    public int HomeOf(string nodeId)
    {
        var registered = AgentOutput(nodeId).Split('\n').Last(line => line.Contains("registered with UAH CORE at ", StringComparison.Ordinal));
        return registered.Contains("UAH CORE at " + Gateways[1], StringComparison.Ordinal) ? 1 : 0;
    }

    /// <summary>What node <paramref name="nodeId"/>'s agent printed.</summary>
    public string AgentOutput(string nodeId) => _agents[IndexOf(nodeId)].Output;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var gateways = new List<Uri>();
        for (var i = 0; i < 2; i++)
        {
            var (gateway, address) = await MeshProcesses.StartGatewayAsync(_workDirectory, arguments: GatewayArguments);
            _gateways.Add(gateway);
            gateways.Add(address);
        }

        Gateways = gateways;
        for (var i = 0; i < Nodes.Count; i++)
        {
            _agents.Add(await StartAgentAsync(i));
        }

        // Published through one gateway only: the other serves it from the shared folder.
        using var client = Client(0);
        await client.PublishGemAsync(TestGem.Pack());
    }

    private int IndexOf(string nodeId) => Nodes.ToList().FindIndex(n => n.NodeId == nodeId);

    // Agent i on data-plane address 127.0.0.(i + 2), at home on its gateway, the other as its fallback.
    private async Task<ChildProcess> StartAgentAsync(int i)
    {
        var (nodeId, home) = Nodes[i];
        var (agent, sandbox) = await MeshProcesses.StartAgentAsync(Gateways[home], nodeId, AgentDirectory(nodeId),
            ["--sandbox", RequestedSandbox, "--data-plane", $"127.0.0.{i + 2}", "--slots", SlotsPerNode.ToString(System.Globalization.CultureInfo.InvariantCulture), "--memory-mb", "512",
             "--labels", "node=" + nodeId, "--fallback-gateways", Gateways[1 - home].ToString(), .. AgentArguments]);
        if (_sandboxes.Count <= i)
        {
            _sandboxes.Add(sandbox);
        }

        return agent;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        foreach (var process in _agents.Concat(_gateways))
        {
            await process.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        Directory.Delete(_workDirectory, recursive: true);
    }
}
