using MeshRpc.Hosting;
using MeshRpc.IntegrationTests.Infrastructure;
using Quickstart.Worker;

namespace MeshRpc.IntegrationTests;

/// <summary>Ghost proxies need no runtime reflection: a NativeAOT caller publishes without warnings and makes real calls.</summary>
public sealed class AotCallerTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task NativeAotCaller_PublishesWithZeroWarnings_AndCallsARealWorker()
    {
        var output = Directory.CreateTempSubdirectory("meshrpc-aot-").FullName;
        try
        {
            await using (var publish = ChildProcess.StartProgram(DotnetMuxer.Path,
                "publish", Path.Combine(RepoPaths.Root, "samples", "AotCaller", "AotCaller.csproj"),
                "-c", "Release", "-r", "linux-x64", "-o", output, "-p:TreatWarningsAsErrors=true", "-nologo"))
            {
                var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(10));
                Assert.True(exitCode == 0, $"NativeAOT publish failed:\n{publish.Output}");
                Assert.DoesNotContain("warning", publish.Output, StringComparison.OrdinalIgnoreCase);
            }

            using var client = mesh.CreateClient();
            await client.PublishGemAsync(CalculatorGem.Pack(), TestContext.Current.CancellationToken);
            await using var caller = ChildProcess.StartProgram(Path.Combine(output, "AotCaller"), mesh.GatewayAddress.ToString(), CalculatorGem.Pointer);

            var callerExit = await caller.WaitForExitAsync(TimeSpan.FromMinutes(1));

            Assert.True(callerExit == 0, $"The NativeAOT caller failed:\n{caller.Output}");
            Assert.Contains("sum=42", caller.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
