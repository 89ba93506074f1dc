using System.Net.Http.Json;
using MeshRpc.ControlPlane;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>
/// UAH CORE and two node agents (node-a, node-b) as processes, both with LXC sandboxes (the best available where LXC is
/// missing, for the tests to skip), a warm compiler each, compiling for at most 5 s into at most 256 KiB.
/// </summary>
public sealed class CompilingPair : IAsyncLifetime
{
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("meshrpc-compile-").FullName;
    private readonly Dictionary<string, ChildProcess> _agents = new(StringComparer.Ordinal);
    private ChildProcess? _gateway;

    /// <summary>The nodes, in order.</summary>
    public IReadOnlyList<string> NodeIds { get; } = ["node-a", "node-b"];

    /// <summary>Where UAH CORE listens.</summary>
    public Uri GatewayAddress { get; private set; } = null!;

    /// <summary>The gateway's compile cache: one file per compiled source, holding its gem's digest.</summary>
    public string CompiledIndexDirectory => Path.Combine(_workDirectory, "gems", "compiled");

    /// <summary>The sandbox each agent got.</summary>
    public Dictionary<string, string> Sandboxes { get; } = new(StringComparer.Ordinal);

    /// <summary>Everything the processes printed, for failure messages.</summary>
    public string Logs => $"--- gateway ---\n{_gateway?.Output}\n" + string.Join("\n", _agents.Select(a => $"--- {a.Key} ---\n{a.Value.Output}"));

    /// <summary>A client, as the usual caller.</summary>
    public MeshClient CreateClient() => TestCredentials.Client(GatewayAddress, TestCredentials.Caller);

    /// <summary>How many sources node <paramref name="nodeId"/>'s agent (this run of it) has compiled, by its log.</summary>
    public int CompilationsOn(string nodeId) => CountOf(_agents[nodeId].Output, "Compiled summoned source");

    /// <summary>How many sources the nodes have compiled in all.</summary>
    public int Compilations => NodeIds.Sum(CompilationsOn);

    /// <summary>Skips (or, in CI, fails) a test unless both agents run LXC.</summary>
    public void RequireLxc()
    {
        if (Sandboxes.Values.All(s => s == "lxc"))
        {
            return;
        }

        if (SandboxSupport.Required)
        {
            Assert.Fail($"MESHRPC_REQUIRE_LXC=1, but the agents run {string.Join(", ", Sandboxes.Values)}.\n{Logs}");
        }

        Assert.Skip("The lxc sandbox is not available here (install lxc and run as root); set MESHRPC_REQUIRE_LXC=1 to make this a failure.");
    }

    /// <summary>Summons <paramref name="source"/> onto node <paramref name="nodeId"/> (lxc_provision, as the operator); returns the ticket.</summary>
    public async Task<CapabilityTicket> SummonOnAsync(string nodeId, string source)
    {
        var contract = MeshContracts.Get<TestWorker.ITestWorker>();
        using var http = TestCredentials.Http(GatewayAddress, TestCredentials.Admin);
        var spawn = new SpawnEphemeralRequest { Contract = contract.Name, ContractHash = contract.Hash, SourceCode = source };
        using var response = await http.PostAsJsonAsync("/api/v1/lxc_provision", new LxcProvisionRequest(nodeId, spawn), ControlPlaneJsonContext.Default.LxcProvisionRequest, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}\n{Logs}");
        var spawned = await response.Content.ReadFromJsonAsync(ControlPlaneJsonContext.Default.SpawnEphemeralResponse, TestContext.Current.CancellationToken);
        return spawned!.Ticket;
    }

    /// <summary>Stops node <paramref name="nodeId"/>'s agent (SIGTERM) and starts it again on the same work folder.</summary>
    public async Task RestartAgentAsync(string nodeId)
    {
        var agent = _agents[nodeId];
        agent.Terminate();
        await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await agent.DisposeAsync();
        await StartAgentAsync(NodeIds.ToList().IndexOf(nodeId));
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        (_gateway, GatewayAddress) = await MeshProcesses.StartGatewayAsync(_workDirectory);
        for (var i = 0; i < NodeIds.Count; i++)
        {
            await StartAgentAsync(i);
        }

        using var client = CreateClient();
        await client.PublishGemAsync(TestWorker.TestGem.Pack());
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

    private async Task StartAgentAsync(int index)
    {
        var nodeId = NodeIds[index];
        var sandbox = SandboxSupport.LxcInstalled || SandboxSupport.Required ? "lxc" : "auto";
        var (agent, got) = await MeshProcesses.StartAgentAsync(GatewayAddress, nodeId, Path.Combine(_workDirectory, nodeId),
            ["--sandbox", sandbox, "--data-plane", $"127.0.0.{index + 2}", "--warm-compilers", "1", "--compile-timeout-ms", "5000", "--max-compiled-kb", "256"]);
        _agents[nodeId] = agent;
        Sandboxes[nodeId] = got;
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
