using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>A real mesh for a test class: UAH CORE and one node agent as separate OS processes, with the test gem published.</summary>
public sealed class MeshProcesses : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("meshrpc-it-").FullName;
    private ChildProcess? _gateway;
    private ChildProcess? _agent;

    /// <summary>Where UAH CORE listens.</summary>
    public Uri GatewayAddress { get; private set; } = null!;

    /// <summary>The node agent's process id.</summary>
    public int AgentProcessId => _agent!.Id;

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
        (_gateway, GatewayAddress) = await StartGatewayAsync(_workDirectory);
        _agent = ChildProcess.Start("MeshRpc.NodeAgent.dll",
            "--gateway", GatewayAddress.ToString(),
            "--node-id", "node-it",
            "--work-dir", Path.Combine(_workDirectory, "agent"));
        await _agent.WaitForLineAsync("MESHRPC-LISTENING", StartTimeout);

        using var client = CreateClient();
        await WaitForLiveNodeAsync(client);
        await client.PublishGemAsync(TestGem.Pack());
        await client.PublishGemAsync(TestGem.PackShapes());
    }

    /// <summary>Waits until the node agent logs a line containing <paramref name="text"/>.</summary>
    public Task WaitForAgentLogAsync(string text, TimeSpan timeout) => _agent!.WaitForTextAsync(text, timeout);

    /// <summary>Everything the mesh processes printed, for failure messages.</summary>
    public string Logs => $"--- gateway ---\n{_gateway?.Output}\n--- agent ---\n{_agent?.Output}";

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

        Directory.Delete(_workDirectory, recursive: true);
    }

    private static async Task WaitForLiveNodeAsync(MeshClient client)
    {
        using var deadline = new CancellationTokenSource(StartTimeout);
        while ((await client.Gateway.GetServiceRegistryAsync(deadline.Token)).Nodes.All(n => n.Status != "live"))
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
