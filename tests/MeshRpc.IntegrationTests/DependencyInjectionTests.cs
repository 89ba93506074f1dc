using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;
using Microsoft.Extensions.DependencyInjection;

namespace MeshRpc.IntegrationTests;

public sealed class DependencyInjectionTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task ScopedWorker_IsSummonedPerScope_AndTornDownWithTheScope()
    {
        await using var services = new ServiceCollection()
            .AddMeshRpc(mesh.GatewayAddress, MeshCredential.FromKey(TestCredentials.Caller))
            .AddMeshWorker<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer))
            .Services.BuildServiceProvider(validateScopes: true);

        int first;
        await using (var scope = services.CreateAsyncScope())
        {
            var worker = scope.ServiceProvider.GetRequiredService<ITestWorker>();
            Assert.Same(worker, scope.ServiceProvider.GetRequiredService<ITestWorker>());
            first = await mesh.HostProcessIdOfAsync(((IGhostProxy)worker).Connection.Ticket.WorkerId);
            Assert.True(Processes.IsAlive(first));
        }

        Assert.False(Processes.IsAlive(first), "Disposing the scope did not tear its worker down.");

        await using (var scope = services.CreateAsyncScope())
        {
            var worker = scope.ServiceProvider.GetRequiredService<ITestWorker>();
            var second = await mesh.HostProcessIdOfAsync(((IGhostProxy)worker).Connection.Ticket.WorkerId);
            Assert.NotEqual(first, second);
        }
    }

    [Fact]
    public async Task MeshWorker_SummonsOnFirstGet_WithoutBlocking_AndItsScopeTearsItDown()
    {
        await using var services = new ServiceCollection()
            .AddMeshRpc(mesh.GatewayAddress, MeshCredential.FromKey(TestCredentials.Caller))
            .AddMeshWorker<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer))
            .Services.BuildServiceProvider(validateScopes: true);

        int hostPid;
        await using (var scope = services.CreateAsyncScope())
        {
            var lease = scope.ServiceProvider.GetRequiredService<MeshWorker<ITestWorker>>();
            var gets = await Task.WhenAll(lease.GetAsync(TestContext.Current.CancellationToken).AsTask(), lease.GetAsync(TestContext.Current.CancellationToken).AsTask());

            Assert.Same(gets[0], gets[1]);
            Assert.Same(gets[0], scope.ServiceProvider.GetRequiredService<ITestWorker>());
            Assert.Equal("leased", await gets[0].EchoAsync("leased"));
            hostPid = await mesh.HostProcessIdOfAsync(((IGhostProxy)gets[0]).Connection.Ticket.WorkerId);
            Assert.True(Processes.IsAlive(hostPid));
        }

        Assert.False(Processes.IsAlive(hostPid), "Disposing the scope did not tear the leased worker down.");
    }

    [Fact]
    public void Registering_ANonContract_FailsAtRegistration()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddMeshWorker<IDisposable>(SummonRequest.FromGem(TestGem.Pointer)));

        Assert.Contains("has no MeshRpc contract", error.Message, StringComparison.Ordinal);
    }
}
