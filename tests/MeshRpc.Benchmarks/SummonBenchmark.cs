using System.Diagnostics;
using System.Globalization;
using MeshRpc.TestWorker;
using MeshRpc.Testing;

namespace MeshRpc.Benchmarks;

/// <summary>
/// Summon latency (request to connected ghost proxy) and burst rate at each level of concurrent summons over three
/// nodes. With a growing warm pool (<c>--warm-pool-max</c>), one unmeasured round per level shows the pools the burst,
/// and each round waits until they have refilled, so that every measured summon can come from a warm host.
/// </summary>
internal static class SummonBenchmark
{
    private const int Nodes = 3;
    private static readonly TimeSpan RefillWait = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Sustained = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(string sandbox, int samplesPerLevel, IReadOnlyList<int> levels, int slots, int warmPool, int warmPoolMax)
    {
        await using var mesh = await EmbeddedMesh.StartAsync(
            sandbox, Nodes, CancellationToken.None,
            "--slots", Text(slots), "--warm-pool", Text(warmPool), "--warm-pool-max", Text(Math.Max(warmPool, warmPoolMax)),
            // A cold burst of hundreds takes this machine over a minute: the pools must still remember it when it ends.
            "--warm-pool-keep-seconds", "600");
        using var client = new MeshClient(mesh.GatewayAddress, mesh.Caller);
        using var @operator = mesh.CreateOperatorClient();
        await client.PublishGemAsync(TestGem.Pack());

        // One unmeasured round warms the caller, the gateway and the agents.
        _ = await RoundAsync(client, 3);

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {Nodes} node agents ({mesh.Sandbox}, {slots} slots, warm pool {warmPool} to {Math.Max(warmPool, warmPoolMax)}) and the gateway in one process; at least {samplesPerLevel} summons per level");
        Console.WriteLine();
        Console.WriteLine("| concurrent summons | p50 ms | p99 ms | burst rate, summons/s (median round) | summons measured | failed | idle hosts at a round's start (median) | failed while the pools learned the burst |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var concurrency in levels)
        {
            var learning = 0;
            if (warmPoolMax > 0)
            {
                // The pools learn the burst from this round, then grow to it.
                learning = (await RoundAsync(client, concurrency)).Failed;
            }

            var failed = 0;
            var latencies = new List<double>();
            var rates = new List<double>();
            var idle = new List<int>();
            while (latencies.Count < samplesPerLevel)
            {
                if (warmPoolMax > 0)
                {
                    idle.Add(await WaitForWarmHostsAsync(@operator, Math.Min(concurrency, Nodes * warmPoolMax)));
                }

                var (round, roundFailed) = await RoundAsync(client, concurrency);
                failed += roundFailed;
                if (round.Length > 0)
                {
                    rates.Add(round.Length / round.Max() * 1000);
                    latencies.AddRange(round);
                }
                else if (failed > samplesPerLevel)
                {
                    break;
                }
            }

            if (latencies.Count == 0)
            {
                Console.WriteLine($"| {concurrency} | - | - | - | 0 | {failed} | {(idle.Count > 0 ? Median(idle) : 0)} | {learning} |");
                continue;
            }

            var sorted = latencies.Order().ToArray();
            Console.WriteLine($"| {concurrency} | {sorted[sorted.Length / 2]:0.0} | {sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]:0.0} | {Median(rates):0.0} | {sorted.Length} | {failed} | {(idle.Count > 0 ? Median(idle) : 0)} | {learning} |");
        }

        // Sustained: each of `concurrency` loops summons, tears down and summons again for a fixed time, pools or not.
        Console.WriteLine();
        Console.WriteLine($"| concurrent loops | sustained summons/s over {Sustained.TotalSeconds:0} s | failed |");
        Console.WriteLine("|---|---|---|");
        foreach (var concurrency in levels)
        {
            var (completed, failed) = await SustainedAsync(client, concurrency);
            Console.WriteLine($"| {concurrency} | {completed / Sustained.TotalSeconds:0.0} | {failed} |");
        }
    }

    // Closed loops, bounded in time (and in count, far above what the time allows).
    private static async Task<(int Completed, int Failed)> SustainedAsync(MeshClient client, int concurrency)
    {
        const int MaxPerLoop = 10_000;
        var completed = 0;
        var failed = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(Sustained.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = 0; i < MaxPerLoop && Stopwatch.GetTimestamp() < deadline; i++)
            {
                try
                {
                    await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer));
                    if (Stopwatch.GetTimestamp() <= deadline)
                    {
                        Interlocked.Increment(ref completed);
                    }
                }
                catch (MeshRpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        return (completed, failed);
    }

    // Starts `concurrency` summons at once, then tears down those that succeeded; a summon that fails (on an overloaded
    // machine: a worker that could not answer its handshake in time) is counted, not measured.
    private static async Task<(double[] Latencies, int Failed)> RoundAsync(MeshClient client, int concurrency)
    {
        var summons = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer));
                return (Worker: worker, Ms: Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (MeshRpcException)
            {
                return (Worker: (ITestWorker?)null, Ms: double.NaN);
            }
        }));
        await Task.WhenAll(summons.Where(s => s.Worker is not null).Select(s => s.Worker!.DisposeAsync().AsTask()));
        return ([.. summons.Where(s => s.Worker is not null).Select(s => s.Ms)], summons.Count(s => s.Worker is null));
    }

    // Waits until the nodes report at least `wanted` idle hosts between them and their pools have stopped growing (so
    // that no refill competes with the round), or the wait is over; returns how many idle hosts they had.
    private static async Task<int> WaitForWarmHostsAsync(MeshClient @operator, int wanted)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(RefillWait.TotalSeconds * Stopwatch.Frequency);
        var idle = 0;
        var steady = 0;
        while (Stopwatch.GetTimestamp() < deadline && steady < 3)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(400));
            var registry = await @operator.Gateway.GetServiceRegistryAsync();
            var now = registry.Nodes.Sum(n => n.WarmHosts.Sum(w => w.Idle));
            steady = now >= wanted && now == idle ? steady + 1 : 0;
            idle = now;
        }

        return idle;
    }

    private static T Median<T>(List<T> values) => values.Order().ElementAt(values.Count / 2);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
