using System.Globalization;
using MeshRpc.Hosting;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// What steady calls allocate, caller and worker together: tests/MeshRpc.AllocationProbe, built in Release as shipped
/// code is (a Debug build's async methods allocate their state machines), counts its own allocations in a process of
/// its own, so nothing else running beside it is counted.
/// </summary>
[Collection(RepositoryBuilds.Name)]
public sealed class CallAllocationTests
{
    private const int Rounds = 10_000;

    // Room for what the probe itself allocates once per run (its 64 callers' tasks) and for a timer's or the thread
    // pool's own allocation meanwhile, not for anything a call makes: one object per call would be 24 bytes a call at least.
    private const int AllowanceBytes = 64 * 1024;

    [Fact]
    public async Task SteadyCalls_AllocateNothing_AtEitherEnd_OneAtATimeAndSixtyFourInFlight()
    {
        var project = Path.Combine(RepoPaths.Root, "tests", "MeshRpc.AllocationProbe");
        var output = await Commands.RunAsync(DotnetMuxer.Path, "run", "--project", project, "-c", "Release", "--", Rounds.ToString(CultureInfo.InvariantCulture));

        var runs = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("ALLOCATED ", StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .Select(fields => (Variant: fields[1], Calls: long.Parse(fields[2], CultureInfo.InvariantCulture), Bytes: long.Parse(fields[3], CultureInfo.InvariantCulture)))
            .ToList();

        Assert.Equal(["plain-1", "plain-64", "tls-1", "tls-64"], runs.Select(r => r.Variant));
        foreach (var (variant, calls, bytes) in runs)
        {
            Assert.True(bytes < calls + AllowanceBytes, $"{variant}: {calls} calls allocated {bytes} bytes ({(double)bytes / calls:F1} a call).\n{output}");
        }
    }
}
