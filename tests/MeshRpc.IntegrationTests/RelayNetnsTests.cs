using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>A caller in its own network namespace reaches the gateway but no worker address, and still gets its calls through.</summary>
public sealed class RelayNetnsTests
{
    [Fact]
    public async Task CallerThatCannotReachTheWorker_CompletesCallsThroughTheRelay()
    {
        NetworkNamespace.RequireSupport();
        await using var isolated = await NetworkNamespace.CreateAsync();
        var work = Directory.CreateTempSubdirectory("meshrpc-netns-").FullName;
        ChildProcess? gateway = null;
        ChildProcess? agent = null;
        try
        {
            // The gateway listens on the host's veth address, which the namespace can reach; workers listen on 127.0.0.2, which it cannot.
            (gateway, var address) = await MeshProcesses.StartGatewayAsync(work, new Uri($"http://{isolated.HostAddress}:0"));
            (agent, _) = await MeshProcesses.StartAgentAsync(address, "node-ns", Path.Combine(work, "agent"), ["--sandbox", "process", "--data-plane", "127.0.0.2"]);
            using (var publisher = TestCredentials.Client(address, TestCredentials.Caller))
            {
                await publisher.PublishGemAsync(TestGem.Pack(), TestContext.Current.CancellationToken);
            }

            await using var caller = isolated.Start("MeshRpc.TestCaller.dll", "call", address.ToString());
            var called = (await caller.WaitForLineAsync("CALLED", TimeSpan.FromSeconds(90))).Split(' ');

            Assert.Equal(["Relay", "relayed?", "2"], called[..3]);
            Assert.StartsWith("tls://127.0.0.2:", called[3], StringComparison.Ordinal);
            Assert.Equal(0, await caller.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }

            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            Directory.Delete(work, recursive: true);
        }
    }
}
