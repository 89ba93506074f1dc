using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>
/// A real mesh for a test class: UAH CORE and one node agent as separate OS processes, with the test gems published.
/// The agent uses the strongest sandbox this machine offers unless a subclass asks for another.
/// </summary>
public class MeshProcesses : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private ChildProcess? _gateway;
    private ChildProcess? _agent;

    /// <summary>Where UAH CORE listens.</summary>
    public Uri GatewayAddress { get; private set; } = null!;

    /// <summary>The node agent's process id.</summary>
    public int AgentProcessId => _agent!.Id;

    /// <summary>The sandbox provider the agent chose.</summary>
    public string Sandbox { get; private set; } = "unknown";

    /// <summary>The folder this mesh keeps its state in.</summary>
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("meshrpc-it-").FullName;

    /// <summary>The node agent's own folder (gem cache, sandbox state).</summary>
    public string AgentDirectory => Path.Combine(WorkDirectory, "agent");

    /// <summary>Everything the mesh processes printed, for failure messages.</summary>
    public string Logs => $"--- gateway ---\n{_gateway?.Output}\n--- agent ---\n{_agent?.Output}";

    /// <summary>What the node agent printed.</summary>
    public string AgentLogs => _agent?.Output ?? string.Empty;

    /// <summary>The sandbox the agent is asked for.</summary>
    protected virtual string RequestedSandbox => "auto";

    /// <summary>Extra agent arguments (limits).</summary>
    protected virtual IEnumerable<string> AgentArguments => [];

    /// <summary>A new client for the mesh, as the usual caller.</summary>
    public MeshClient CreateClient() => TestCredentials.Client(GatewayAddress, TestCredentials.Caller);

    /// <summary>A new client for the mesh, as the operator (the service registry, every caller's workers).</summary>
    public MeshClient CreateAdminClient() => TestCredentials.Client(GatewayAddress, TestCredentials.Admin);

    /// <summary>Extra gateway arguments, for subclasses.</summary>
    protected virtual IEnumerable<string> GatewayArguments => [];

    /// <summary>
    /// Starts a gateway process (on <paramref name="address"/>, or an ephemeral port) and returns it with its address.
    /// Nodes count as dead after 5 s without a heartbeat, the gateway's default: with the whole suite running on two
    /// cores, an agent's once-a-second heartbeat can be late by a few seconds without the agent being gone.
    /// </summary>
    public static async Task<(ChildProcess Process, Uri Address)> StartGatewayAsync(string workDirectory, Uri? address = null, IEnumerable<string>? arguments = null)
    {
        var gateway = ChildProcess.Start("MeshRpc.Gateway.dll",
            ["--gem-store", Path.Combine(workDirectory, "gems"), "--api-keys", TestCredentials.StorePath, "--node-dead-after-ms", "5000",
             "--urls", address?.ToString().TrimEnd('/') ?? "http://127.0.0.1:0", .. arguments ?? []]);
        return (gateway, new Uri(await gateway.WaitForLineAsync("MESHRPC-LISTENING", StartTimeout)));
    }

    /// <summary>The gateway's gem store folder.</summary>
    public string GemStoreDirectory => Path.Combine(WorkDirectory, "gems");

    /// <summary>Kills the gateway with SIGKILL.</summary>
    public void KillGatewayHard() => _gateway!.KillHard();

    /// <summary>Starts the gateway again on the same address, with the same gem store and signing key.</summary>
    public async Task RestartGatewayAsync()
    {
        await _gateway!.DisposeAsync();
        (_gateway, _) = await StartGatewayAsync(WorkDirectory, GatewayAddress, GatewayArguments);
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        (_gateway, GatewayAddress) = await StartGatewayAsync(WorkDirectory, arguments: GatewayArguments);
        await StartAgentAsync();

        using var client = CreateClient();
        await client.PublishGemAsync(TestGem.Pack());
        await client.PublishGemAsync(TestGem.PackShapes());
        await client.PublishGemAsync(TestGem.PackProbe());
    }

    /// <summary>Starts the node agent (again, after <see cref="KillAgentHard"/>) and waits until it is live.</summary>
    public async Task StartAgentAsync()
    {
        (_agent, Sandbox) = await StartAgentAsync(GatewayAddress, "node-it", AgentDirectory, [ "--sandbox", RequestedSandbox, .. AgentArguments ]);
    }

    /// <summary>Starts a node agent process and waits until the gateway lists it as live; returns it and its sandbox.</summary>
    public static async Task<(ChildProcess Agent, string Sandbox)> StartAgentAsync(Uri gateway, string nodeId, string workDirectory, IEnumerable<string> arguments)
    {
        // No warm compilers (each costs seconds of CPU and 200 MB) unless a test asks for them (a later --warm-compilers
        // wins): the suite runs dozens of agents on two cores, and only the compile cache's tests are about them.
        var agent = ChildProcess.Start("MeshRpc.NodeAgent.dll", ["--gateway", gateway.ToString(), "--node-id", nodeId, "--work-dir", workDirectory, "--warm-compilers", "0", .. arguments]);
        var sandbox = await agent.WaitForLineAsync("MESHRPC-SANDBOX", StartTimeout);
        var agentUrl = await agent.WaitForLineAsync("MESHRPC-LISTENING", StartTimeout);

        // Live means registered by this agent process, not a predecessor the gateway still remembers.
        using var client = TestCredentials.Client(gateway, TestCredentials.Admin);
        using var deadline = new CancellationTokenSource(StartTimeout);
        while ((await client.Gateway.GetServiceRegistryAsync(deadline.Token)).Nodes.All(n => n.Status != "live" || n.AgentUrl != agentUrl))
        {
            await Task.Delay(20, deadline.Token);
        }

        return (agent, sandbox);
    }

    /// <summary>Kills the node agent with SIGKILL: it gets no chance to tear anything down.</summary>
    public void KillAgentHard() => _agent!.KillHard();

    /// <summary>Waits until the node agent logs a line containing <paramref name="text"/>.</summary>
    public Task WaitForAgentLogAsync(string text, TimeSpan timeout) => _agent!.WaitForTextAsync(text, timeout);

    /// <summary>The worker host's process id on the node, as the node reports it to the registry.</summary>
    public async Task<int> HostProcessIdOfAsync(string workerId)
    {
        using var client = CreateAdminClient();
        var registry = await client.Gateway.GetServiceRegistryAsync();
        return registry.Nodes.SelectMany(n => n.Workers).SingleOrDefault(w => w.WorkerId == workerId)?.ProcessId
            ?? throw new InvalidOperationException($"No node reports worker {workerId}.\n{Logs}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The agent first: stopping it tears down any worker a failed test left behind.
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        Directory.Delete(WorkDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
