using System.Text.RegularExpressions;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// A gem that ships a native host (the test worker with MeshWorkerHost built in, published with Native AOT): a node of
/// its platform starts that program in the worker's container instead of the .NET worker host, and it serves like any
/// worker; other nodes ignore it.
/// </summary>
[Collection(RepositoryBuilds.Name)]
public sealed class NativeGemTests(LxcMesh mesh, PublishedNativeHost native) : IClassFixture<LxcMesh>, IClassFixture<PublishedNativeHost>
{
    private const string NativeHost = "MeshRpc.TestNativeWorker";

    [Fact]
    public async Task NativeGem_RunsItsOwnHostInTheWorkersContainer_ServesCalls_AndLeavesNothingBehind()
    {
        SandboxSupport.Require(mesh, "lxc");
        var cancellation = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.PackNative(native.Program), cancellation);

        var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.NativePointer), cancellation);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
        Assert.Equal("native", await worker.EchoAsync("native"));
        Assert.Equal(1, await worker.IncrementAsync());

        var hosts = NativeHostsIn("meshrpc-" + workerId);
        Assert.True(hosts.Count == 1, $"Expected the native host in container meshrpc-{workerId}; found {hosts.Count}.\n{mesh.Logs}");

        await worker.DisposeAsync();
        Assert.True(await Processes.WaitUntilGoneAsync(hosts[0], TimeSpan.FromSeconds(10)) is not null, "The native host outlived its worker's teardown.");
        Assert.DoesNotContain("meshrpc-" + workerId, await mesh.ContainersAsync());
    }

    [Fact]
    public async Task NativeHostForAnotherPlatform_IsIgnored_AndTheGemRunsInTheDotNetHost()
    {
        SandboxSupport.Require(mesh, "lxc");
        var cancellation = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.PackNative(native.Program, platform: "linux-riscv64"), cancellation);

        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.NativePointerFor("linux-riscv64")), cancellation);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;

        Assert.Equal("managed", await worker.EchoAsync("managed"));
        Assert.Empty(NativeHostsIn("meshrpc-" + workerId));
    }

    [Fact]
    public async Task NativeHost_AskedForAnotherContract_RefusesNamingBoth()
    {
        await using var host = ChildProcess.StartProgram(native.Program);

        await HostChannel.SendAsync(host, new WorkerHostInstruction
        {
            Start = new WorkerHostConfig
            {
                WorkerId = "w-native-test", WorkerKey = "AA==", TicketKeyId = "k", TicketPublicKey = "AA==", BindAddress = "127.0.0.1",
                HeartbeatTimeoutMs = 1_000, Contract = "Some.Other.IContract", Gem = new GemLocation("/gems/other", "Other.dll", "Some.Other.Worker"),
            },
        });

        var status = await HostChannel.StatusAsync(host);
        Assert.Equal($"This worker host serves {MeshContracts.Get<ITestWorker>().Name}, but the summon asks for Some.Other.IContract. Check the gem's manifest.", status.Error);
        Assert.Equal(WorkerHostProcess.CouldNotStart, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Host pids of the processes running the native host's program inside <paramref name="container"/>.</summary>
    private static List<int> NativeHostsIn(string container) =>
        [.. Processes.WithCommandLineContaining([NativeHost]).Where(pid => RunsNativeHost(pid) && InContainer(pid, container))];

    private static bool RunsNativeHost(int pid)
    {
        try
        {
            return File.ResolveLinkTarget($"/proc/{pid}/exe", returnFinalTarget: false)?.FullName.EndsWith("/" + NativeHost, StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool InContainer(int pid, string container)
    {
        try
        {
            return Regex.IsMatch(File.ReadAllText($"/proc/{pid}/cgroup"), Regex.Escape(container) + @"(/|$)", RegexOptions.Multiline);
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>The test worker's native host (tests/MeshRpc.TestNativeWorker), published with Native AOT once for a test class.</summary>
public sealed class PublishedNativeHost : IAsyncLifetime
{
    private readonly string _output = Directory.CreateTempSubdirectory("meshrpc-native-host-").FullName;

    /// <summary>The published program.</summary>
    public string Program => Path.Combine(_output, "MeshRpc.TestNativeWorker");

    public async ValueTask InitializeAsync() =>
        await NativePublish.PublishAsync("tests/MeshRpc.TestNativeWorker/MeshRpc.TestNativeWorker.csproj", _output);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return ValueTask.CompletedTask;
    }
}
