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
    public void Registering_ANonContract_FailsAtRegistration()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddMeshWorker<IDisposable>(SummonRequest.FromGem(TestGem.Pointer)));

        Assert.Contains("has no MeshRpc contract", error.Message, StringComparison.Ordinal);
    }
}
