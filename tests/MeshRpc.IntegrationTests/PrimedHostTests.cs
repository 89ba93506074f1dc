using System.Security.Cryptography;
using MeshRpc.HostProtocol;
using MeshRpc.ControlPlane;
using MeshRpc.Hosting;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;
using MeshRpc.Tickets;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// A pooled worker host primed with a gem, driven through its start-up channel as the node agent drives it (a real
/// worker host process): it serves that gem, refuses any other, and a gem that failed to prime fails the summon
/// with the error a cold host would give.
/// </summary>
public sealed class PrimedHostTests : IDisposable
{
    private const string WorkerId = "w-primed-test";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _gems = Directory.CreateTempSubdirectory("meshrpc-primed-");
    private readonly TicketSigner _signer = TicketSigner.CreateEphemeral();
    private readonly byte[] _workerKey = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task PrimedWithAGem_ServesThatGem()
    {
        var gem = Unpack("test-worker", TestGem.Pack());
        var contract = MeshContracts.Get<ITestWorker>();
        await using var host = StartPooledHost();

        await HostChannel.SendAsync(host, new WorkerHostInstruction { Prime = gem });
        await HostChannel.SendAsync(host, new WorkerHostInstruction { Start = Config(gem, contract.Name) });

        var status = await HostChannel.StatusAsync(host);
        Assert.True(status.Port is not null, status.Error);
        var ticket = _signer.Issue(WorkerId, _workerKey, new TicketEndpoints($"tcp://127.0.0.1:{status.Port}"), null, "local",
            contract.Name, contract.Hash, 30_000, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        await using var connection = await WorkerConnection.ConnectAsync(ticket, contract, TestContext.Current.CancellationToken);
        Assert.Equal("primed", await GhostProxies.Create<ITestWorker>(connection).EchoAsync("primed"));
    }

    [Fact]
    public async Task PrimedWithAGem_RefusesAnotherGem()
    {
        var primed = Unpack("test-worker", TestGem.Pack());
        var other = Unpack("shapes-worker", TestGem.PackShapes());
        await using var host = StartPooledHost();

        await HostChannel.SendAsync(host, new WorkerHostInstruction { Prime = primed });
        await HostChannel.SendAsync(host, new WorkerHostInstruction { Start = Config(other, MeshContracts.Get<IShapesWorker>().Name) });

        var status = await HostChannel.StatusAsync(host);
        Assert.Null(status.Port);
        Assert.Contains($"primed with the gem in {primed.Directory} and cannot serve the gem in {other.Directory}", status.Error, StringComparison.Ordinal);
        Assert.Equal(2, await host.WaitForExitAsync(StartTimeout));
    }

    [Fact]
    public async Task AGemThatFailedToPrime_FailsItsSummonWithTheColdError()
    {
        var broken = Unpack("test-worker", TestGem.Pack()) with { EntryAssembly = "Missing.dll" };
        await using var host = StartPooledHost();

        await HostChannel.SendAsync(host, new WorkerHostInstruction { Prime = broken });
        await HostChannel.SendAsync(host, new WorkerHostInstruction { Start = Config(broken, MeshContracts.Get<ITestWorker>().Name) });

        var status = await HostChannel.StatusAsync(host);
        Assert.Equal("The gem has no entry assembly 'Missing.dll'.", status.Error);
    }

    [Fact]
    public async Task ALineThatIsNeitherPrimeNorStart_IsRefused()
    {
        await using var host = StartPooledHost();

        await HostChannel.SendAsync(host, new WorkerHostInstruction());

        var status = await HostChannel.StatusAsync(host);
        Assert.Contains("may prime one gem, then must give the configuration ('start')", status.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _gems.Delete(recursive: true);

    private static ChildProcess StartPooledHost() => ChildProcess.Start(MeshRpc.NodeAgent.Forge.WorkerHostCommand.HostAssembly, "--pooled");

    private GemLocation Unpack(string name, byte[] archive)
    {
        var directory = _gems.CreateSubdirectory(name).FullName;
        GemArchive.Extract(archive, directory);
        var manifest = GemArchive.ReadManifest(archive);
        return new GemLocation(directory, manifest.EntryAssembly, manifest.WorkerType);
    }

    private WorkerHostConfig Config(GemLocation gem, string contract) =>
        new()
        {
            WorkerId = WorkerId,
            WorkerKey = Convert.ToBase64String(_workerKey),
            TicketKeyId = _signer.KeyId,
            TicketPublicKey = _signer.PublicKey,
            BindAddress = "127.0.0.1",
            HeartbeatTimeoutMs = 30_000,
            Contract = contract,
            Gem = gem,
        };
}
