using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>The whole lifecycle on each sandbox provider.</summary>
public abstract class ProviderTests<TMesh>(TMesh mesh, string sandbox)
    where TMesh : MeshProcesses
{
    [Fact]
    public async Task Summon_Call_Dispose_OnThisProvider()
    {
        SandboxSupport.Require(mesh, sandbox);
        using var client = mesh.CreateClient();
        var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var hostPid = await mesh.HostProcessIdOfAsync(((IGhostProxy)worker).Connection.Ticket.WorkerId);

        Assert.Equal("hello", await worker.EchoAsync("hello"));
        Assert.True(Processes.IsAlive(hostPid));
        await worker.DisposeAsync();

        Assert.False(Processes.IsAlive(hostPid), $"The {sandbox} worker (pid {hostPid}) survived its teardown.");
    }

    [Fact]
    public async Task AWorkerWithoutEgress_TrustsNoRoots()
    {
        SandboxSupport.Require(mesh, sandbox);
        using var client = mesh.CreateClient();
        await using var probe = await client.SummonAsync<ISandboxProbe>(SummonRequest.FromGem(TestGem.ProbePointer), TestContext.Current.CancellationToken);

        // It reaches nothing it could trust; loading no roots spares its TLS start the trust store (docs/sandboxes.md).
        // The calls themselves run over TLS: the caller trusts the worker's pinned certificate, not a root.
        Assert.Empty(await probe.TrustedRootsAsync());
        Assert.EndsWith("/trust/no-roots.pem", await probe.EnvironmentVariableAsync("SSL_CERT_FILE"), StringComparison.Ordinal);
        Assert.EndsWith("/trust/no-certificate-directory", await probe.EnvironmentVariableAsync("SSL_CERT_DIR"), StringComparison.Ordinal);
    }
}

public sealed class ProcessProviderTests(ProcessMesh mesh) : ProviderTests<ProcessMesh>(mesh, "process"), IClassFixture<ProcessMesh>;

public sealed class BwrapProviderTests(BwrapMesh mesh) : ProviderTests<BwrapMesh>(mesh, "bwrap"), IClassFixture<BwrapMesh>;

public sealed class LxcProviderTests(LxcMesh mesh) : ProviderTests<LxcMesh>(mesh, "lxc"), IClassFixture<LxcMesh>;
