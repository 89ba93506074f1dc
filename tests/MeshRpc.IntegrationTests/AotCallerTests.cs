using MeshRpc.IntegrationTests.Infrastructure;
using Quickstart.Worker;

namespace MeshRpc.IntegrationTests;

/// <summary>Ghost proxies need no runtime reflection: a NativeAOT caller publishes without warnings and makes real calls.</summary>
[Collection(RepositoryBuilds.Name)]
public sealed class AotCallerTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task NativeAotCaller_PublishesWithZeroWarnings_AndCallsARealWorker()
    {
        var output = Directory.CreateTempSubdirectory("meshrpc-aot-").FullName;
        try
        {
            await NativePublish.PublishAsync("samples/AotCaller/AotCaller.csproj", output);

            using var client = mesh.CreateClient();
            await client.PublishGemAsync(CalculatorGem.Pack(), TestContext.Current.CancellationToken);
            await using var caller = ChildProcess.StartProgram(Path.Combine(output, "AotCaller"), mesh.GatewayAddress.ToString(), CalculatorGem.Pointer);

            var callerExit = await caller.WaitForExitAsync(TimeSpan.FromMinutes(1));

            Assert.True(callerExit == 0, $"The NativeAOT caller failed:\n{caller.Output}");
            Assert.Contains("sum=42", caller.Output, StringComparison.Ordinal);

            // The caller's dependency graph, as the publish restored it: the contract, and not the worker's implementation.
            var assets = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "samples", "AotCaller", "obj", "project.assets.json"), TestContext.Current.CancellationToken);
            Assert.Contains("Quickstart.Contract", assets, StringComparison.Ordinal);
            Assert.DoesNotContain("Quickstart.Worker", assets, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
