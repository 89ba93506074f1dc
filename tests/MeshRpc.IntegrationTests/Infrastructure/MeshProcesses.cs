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

    /// <summary>The sandbox the agent is asked for.</summary>
    protected virtual string RequestedSandbox => "auto";

    /// <summary>Extra agent arguments (limits).</summary>
    protected virtual IEnumerable<string> AgentArguments => [];

    /// <summary>A new client for the mesh.</summary>
    public MeshClient CreateClient() => new(GatewayAddress);

    /// <summary>Starts a gateway process and returns it with its address.</summary>
    public static async Task<(ChildProcess Process, Uri Address)> StartGatewayAsync(string workDirectory)
    {
        var gateway = ChildProcess.Start("MeshRpc.Gateway.dll", "--gem-store", Path.Combine(workDirectory, "gems"), "--node-dead-after-ms", "3000");
        var address = new Uri(await gateway.WaitForLineAsync("MESHRPC-LISTENING", StartTimeout));
        return (gateway, address);
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        (_gateway, GatewayAddress) = await StartGatewayAsync(WorkDirectory);
        await StartAgentAsync();

        using var client = CreateClient();
        await client.PublishGemAsync(TestGem.Pack());
        await client.PublishGemAsync(TestGem.PackShapes());
        await client.PublishGemAsync(TestGem.PackProbe());
    }

    /// <summary>Starts the node agent (again, after <see cref="KillAgentHard"/>) and waits until it is live.</summary>
    public async Task StartAgentAsync()
    {
        _agent = ChildProcess.Start("MeshRpc.NodeAgent.dll",
        [
            "--gateway", GatewayAddress.ToString(),
            "--node-id", "node-it",
            "--work-dir", AgentDirectory,
            "--sandbox", RequestedSandbox,
            .. AgentArguments,
        ]);
        Sandbox = await _agent.WaitForLineAsync("MESHRPC-SANDBOX", StartTimeout);
        var agentUrl = await _agent.WaitForLineAsync("MESHRPC-LISTENING", StartTimeout);

        // Live means registered by this agent process, not a predecessor the gateway still remembers.
        using var client = CreateClient();
        using var deadline = new CancellationTokenSource(StartTimeout);
        while ((await client.Gateway.GetServiceRegistryAsync(deadline.Token)).Nodes.All(n => n.Status != "live" || n.AgentUrl != agentUrl))
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    /// <summary>Kills the node agent with SIGKILL: it gets no chance to tear anything down.</summary>
    public void KillAgentHard() => _agent!.KillHard();

    /// <summary>Waits until the node agent logs a line containing <paramref name="text"/>.</summary>
    public Task WaitForAgentLogAsync(string text, TimeSpan timeout) => _agent!.WaitForTextAsync(text, timeout);

    /// <summary>The worker host's process id on the node, as the node reports it to the registry.</summary>
    public async Task<int> HostProcessIdOfAsync(string workerId)
    {
        using var client = CreateClient();
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
