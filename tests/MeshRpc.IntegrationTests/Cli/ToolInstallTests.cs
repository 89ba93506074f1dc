using System.IO.Compression;
using MeshRpc.Hosting;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Cli;

/// <summary>
/// x-hauki-core as a user gets it: packed, installed with <c>dotnet tool install</c>, run by its name; its <c>up</c> starts
/// a mesh whose worker host came in the package, and its other verbs operate it.
/// </summary>
[Collection(RepositoryBuilds.Name)]
public sealed class ToolInstallTests
{
    [Fact]
    public async Task ThePackedTool_Installs_AndItsUpRunsAMesh_ThatItsOtherVerbsOperate()
    {
        var root = Directory.CreateTempSubdirectory("meshrpc-tool-").FullName;
        try
        {
            // A version of its own, so no earlier run's package in the NuGet cache can stand in for this one.
            var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
            var packages = Path.Combine(root, "packages");
            var tools = Path.Combine(root, "tools");
            await Commands.RunAsync(DotnetMuxer.Path, "pack", Path.Combine(RepoPaths.Root, "Cli", "MeshRpc.Cli.csproj"), "-c", "Release", "-o", packages, $"-p:Version={version}", "-nologo");
            using (var package = ZipFile.OpenRead(Path.Combine(packages, $"x-hauki-core.{version}.nupkg")))
            {
                Assert.Contains(package.Entries, e => e.FullName.EndsWith("/workerhost/MeshRpc.WorkerHost.dll", StringComparison.Ordinal));
            }

            await Commands.RunAsync(DotnetMuxer.Path, "tool", "install", "x-hauki-core", "--tool-path", tools, "--add-source", packages, "--version", version);

            var tool = Path.Combine(tools, "x-hauki-core");
            await using var up = ChildProcess.StartProgram(tool, new Dictionary<string, string?> { ["MESHRPC_GATEWAY"] = null, [MeshCredential.EnvironmentVariable] = null },
                "up", "--port", "0", "--sandbox", "process");
            var gateway = (await up.WaitForLineAsync("  export MESHRPC_GATEWAY=", TimeSpan.FromSeconds(90))).Trim();
            var key = (await up.WaitForLineAsync($"  export {MeshCredential.EnvironmentVariable}=", TimeSpan.FromSeconds(90))).Trim();

            await using var nodes = ChildProcess.StartProgram(tool, new Dictionary<string, string?> { ["MESHRPC_GATEWAY"] = gateway, [MeshCredential.EnvironmentVariable] = key }, "nodes");
            Assert.Equal(0, await nodes.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Matches(@"node-1\s+live\s+process", nodes.Output);

            up.Terminate();
            Assert.Equal(0, await up.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
