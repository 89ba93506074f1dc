using MeshRpc.Hosting;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>Publishes one of the repository's projects with Native AOT for linux-x64, insisting on zero warnings.</summary>
internal static class NativePublish
{
    /// <summary>Publishes <paramref name="project"/> (a path under the repository root) into <paramref name="output"/>.</summary>
    public static async Task PublishAsync(string project, string output)
    {
        await using var publish = ChildProcess.StartProgram(DotnetMuxer.Path,
            "publish", Path.Combine(RepoPaths.Root, project), "-c", "Release", "-r", "linux-x64", "-o", output, "-p:TreatWarningsAsErrors=true", "-nologo");
        var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(10));
        Assert.True(exitCode == 0, $"NativeAOT publish of {project} failed:\n{publish.Output}");
        Assert.DoesNotContain("warning", publish.Output, StringComparison.OrdinalIgnoreCase);
    }
}
