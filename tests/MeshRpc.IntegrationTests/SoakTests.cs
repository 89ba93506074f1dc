using System.Globalization;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;
using StackExchange.Redis;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// Two gateways, one Redis and three agents whose workers run in LXC, for the soak alone. The agents keep an ended
/// worker's output for <see cref="SpoolKeepSeconds"/>, and the gateways remember the ended worker as long.
/// </summary>
public sealed class LxcGatewayPair : GatewayPairProcesses
{
    /// <summary>How long the agents keep what an ended worker printed.</summary>
    public const int SpoolKeepSeconds = 2;

    /// <inheritdoc />
    protected override string RequestedSandbox => SandboxSupport.LxcInstalled || SandboxSupport.Required ? "lxc" : "process";

    /// <inheritdoc />
    protected override IEnumerable<string> AgentArguments => ["--spool-keep-seconds", SpoolKeepSeconds.ToString(CultureInfo.InvariantCulture)];
}

/// <summary>The soak runs alone: it counts every worker process, cgroup and mount on the machine.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>
/// Summon, call, tear down, many times over, across two gateways and three LXC agents; then nothing of a worker is left
/// anywhere and the processes' memory has not grown past a bound. Its own command, <c>tests/soak.sh [cycles]</c>, runs
/// it long (1,000 cycles) and prints the counts; the suite runs it short (40 cycles).
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class SoakTests(LxcGatewayPair pair) : IClassFixture<LxcGatewayPair>
{
    // Resident memory a gateway or agent may gain over the cycles, past the first few: what would be a leak.
    private const double GrowthBoundMegabytes = 64;
    private const int Streams = 3;
    private const int WarmUpCycles = 6;

    [Fact]
    public async Task SummonCallTeardownCycles_LeaveNothingOfAWorker_AndMemoryStaysBounded()
    {
        if (pair.Sandboxes.Any(s => s != "lxc"))
        {
            Assert.Skip($"The soak's agents need LXC (root, lxc installed), and got {string.Join(", ", pair.Sandboxes)}.");
        }

        var cycles = int.Parse(Environment.GetEnvironmentVariable("MESHRPC_SOAK_CYCLES") ?? "40", CultureInfo.InvariantCulture);
        using var first = new MeshClient([pair.Gateways[0], pair.Gateways[1]], MeshCredential.FromKey(TestCredentials.Caller));
        using var second = new MeshClient([pair.Gateways[1], pair.Gateways[0]], MeshCredential.FromKey(TestCredentials.Caller));
        var lxcFolders = pair.Nodes.Select(n => Path.Combine(pair.AgentDirectory(n.NodeId), "lxc")).ToList();

        await RunCyclesAsync(first, second, WarmUpCycles);
        var before = await SettledAsync(lxcFolders, expected: null);
        var memoryBefore = pair.Processes.ToDictionary(p => p.Name, p => WorkerFootprint.ResidentMegabytes(p.ProcessId));

        var started = DateTime.UtcNow;
        await RunCyclesAsync(first, second, cycles);
        var took = DateTime.UtcNow - started;
        var after = await SettledAsync(lxcFolders, before);
        var memoryAfter = pair.Processes.ToDictionary(p => p.Name, p => WorkerFootprint.ResidentMegabytes(p.ProcessId));

        // An ended worker's record (its node and owner, for its logs) lives as long as its node keeps its output.
        var keysAtTheEnd = await RedisKeysAsync();
        var keys = keysAtTheEnd;
        await Poll.UntilAsync(async () => (keys = await RedisKeysAsync()).PerWorker == 0, TimeSpan.FromSeconds(LxcGatewayPair.SpoolKeepSeconds + 15));

        var report = $"soak: {cycles} summon/call/teardown cycles in {took.TotalSeconds:0.#} s over {Streams} streams, two gateways, three LXC agents\n" +
            $"  left on the machine, before → after: {before} → {after}\n" +
            $"  Redis keys of workers when the last cycle ended: {keysAtTheEnd.PerWorker} ({keysAtTheEnd.WithoutExpiry} without an expiry; placements {keysAtTheEnd.Placements}, summons {keysAtTheEnd.Summons}, " +
            $"ended {keysAtTheEnd.Ended}: who owned each ended worker, for its logs, while its node keeps its output, {LxcGatewayPair.SpoolKeepSeconds} s here); once that has passed: {keys.PerWorker}\n" +
            string.Join("\n", memoryBefore.Select(m => $"  {m.Key}: {m.Value:0.0} → {memoryAfter[m.Key]:0.0} MiB resident"));
        Console.WriteLine(report);
        TestContext.Current.TestOutputHelper?.WriteLine(report);

        Assert.Equal(before, after);
        Assert.Equal(0, after.Processes);
        Assert.Equal(0, after.Containers);
        Assert.Equal(0, after.Cgroups);
        Assert.Equal(0, keysAtTheEnd.Placements);
        Assert.Equal(0, keysAtTheEnd.Summons);
        Assert.Equal(0, keysAtTheEnd.WithoutExpiry);
        Assert.Equal(0, keys.PerWorker);
        Assert.All(memoryBefore, m => Assert.True(memoryAfter[m.Key] - m.Value <= GrowthBoundMegabytes, $"{m.Key} grew from {m.Value:0.0} to {memoryAfter[m.Key]:0.0} MiB.\n{report}"));
    }

    // Each cycle: summon through one gateway or the other, call, tear down; a few streams at once.
    private static async Task RunCyclesAsync(MeshClient first, MeshClient second, int cycles)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Streams).Select(async _ =>
        {
            int cycle;
            while ((cycle = Interlocked.Increment(ref next)) < cycles)
            {
                var worker = await (cycle % 2 == 0 ? first : second).SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
                await using ((IAsyncDisposable)worker)
                {
                    Assert.Equal($"cycle {cycle}", await worker.EchoAsync($"cycle {cycle}"));
                }
            }
        }));
    }

    // Teardown returns once the node confirms; the kernel lets go of a container's last pieces a moment later.
    private static async Task<WorkerFootprint> SettledAsync(IReadOnlyList<string> lxcFolders, WorkerFootprint? expected)
    {
        var footprint = WorkerFootprint.Take(lxcFolders);
        await Poll.UntilAsync(() =>
        {
            footprint = WorkerFootprint.Take(lxcFolders);
            return Task.FromResult(footprint.Processes == 0 && footprint.Containers == 0 && footprint.Cgroups == 0 && (expected is null || footprint == expected));
        }, TimeSpan.FromSeconds(30));
        return footprint;
    }

    private async Task<(int PerWorker, int WithoutExpiry, int Placements, int Summons, int Ended)> RedisKeysAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(pair.Redis.Address);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var database = redis.GetDatabase();
        var perWorker = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "meshrpc:*"))
        {
            var name = (string)key!;
            if (new[] { "placement:", "summon:", "summon-of:", "ended:" }.Any(kind => name.StartsWith("meshrpc:" + kind, StringComparison.Ordinal)))
            {
                perWorker.Add(key);
            }
        }

        // No time to live is also what Redis says of a key that expired since it was listed (an ended worker's record
        // lives 2 s here): only a key still there without one counts.
        var withoutExpiry = 0;
        foreach (var key in perWorker)
        {
            withoutExpiry += await database.KeyTimeToLiveAsync(key) is null && await database.KeyExistsAsync(key) ? 1 : 0;
        }

        int Count(string kind) => perWorker.Count(k => ((string)k!).StartsWith("meshrpc:" + kind + ":", StringComparison.Ordinal));
        return (perWorker.Count, withoutExpiry, Count("placement"), Count("summon") + Count("summon-of"), Count("ended"));
    }
}
