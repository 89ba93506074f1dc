using System.Diagnostics;
using System.Reflection;

namespace MeshRpc.Benchmarks;

/// <summary>Publishes the test worker's native host (tests/MeshRpc.TestNativeWorker) with Native AOT, once per run.</summary>
internal static class NativeHostBuild
{
    private const string Project = "tests/MeshRpc.TestNativeWorker/MeshRpc.TestNativeWorker.csproj";

    /// <summary>Returns the published program's path.</summary>
    public static async Task<string> PublishAsync()
    {
        var root = typeof(NativeHostBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var output = Directory.CreateTempSubdirectory("meshrpc-bench-native-").FullName;
        var start = new ProcessStartInfo(MeshRpc.Hosting.DotnetMuxer.Path) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["publish", Path.Combine(root, Project), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo"])
        {
            start.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(start)!;
        var log = await publish.StandardOutput.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"Publishing {Project} with Native AOT failed:\n{log}");
        }

        return Path.Combine(output, "MeshRpc.TestNativeWorker");
    }
}
