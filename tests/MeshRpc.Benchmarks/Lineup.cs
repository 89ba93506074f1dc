using System.Diagnostics;

namespace MeshRpc.Benchmarks;

/// <summary>
/// Several ways of making one call, measured in one run against the first of them (the floor): each round runs every
/// variant, in an order rotated every round, as sequential calls (latency) and as calls with many in flight
/// (throughput), so machine noise lands on all alike. Each figure is printed beside its ratio to the floor's.
/// </summary>
internal static class Lineup
{
    public const int InFlight = 64;

    public static async Task RunAsync(IReadOnlyList<(string Name, Func<Task> Call)> variants, int rounds, int sequentialCalls, int concurrentCalls, string setting)
    {
        foreach (var (_, call) in variants)
        {
            // JIT, pools, connections: warm before anything is measured.
            await SequentialAsync(call, 2_000);
        }

        var latencies = variants.Select(_ => new List<double>()).ToArray();
        var throughput = new double[variants.Count];
        var allocated = new long[variants.Count];
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < variants.Count; k++)
            {
                var i = (k + round) % variants.Count;
                var before = GC.GetTotalAllocatedBytes(precise: true);
                latencies[i].AddRange(await SequentialAsync(variants[i].Call, sequentialCalls));
                allocated[i] += GC.GetTotalAllocatedBytes(precise: true) - before;
                throughput[i] += await ConcurrentAsync(variants[i].Call, concurrentCalls) / rounds;
            }
        }

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {setting}; {rounds} rounds × {sequentialCalls} sequential calls and {concurrentCalls} calls with {InFlight} in flight per variant");
        Console.WriteLine();
        // Allocation is this process's, both ends where the worker runs in it; a sequential call's share, timing lists included.
        Console.WriteLine($"| variant | p50 | p50 / floor | p99 | p99 / floor | calls/s, {InFlight} in flight | calls/s / floor | bytes allocated per call (this process) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var (floor50, floor99) = Percentiles(latencies[0]);
        for (var i = 0; i < variants.Count; i++)
        {
            var (p50, p99) = Percentiles(latencies[i]);
            var perCall = allocated[i] / (double)(rounds * sequentialCalls);
            Console.WriteLine($"| {variants[i].Name} | {p50:0.0} µs | {p50 / floor50:0.00} | {p99:0.0} µs | {p99 / floor99:0.00} | {throughput[i]:0} | {throughput[i] / throughput[0]:0.00} | {perCall:0} |");
        }
    }

    /// <summary>Latencies of <paramref name="count"/> calls made one after another, in microseconds.</summary>
    internal static async Task<List<double>> SequentialAsync(Func<Task> call, int count)
    {
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        return latencies;
    }

    /// <summary>Calls per second for <paramref name="count"/> calls with <see cref="InFlight"/> in flight.</summary>
    internal static async Task<double> ConcurrentAsync(Func<Task> call, int count)
    {
        var remaining = count;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await call();
            }
        }));
        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The median and 99th percentile.</summary>
    internal static (double P50, double P99) Percentiles(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return (sorted[(int)(sorted.Length * 0.50)], sorted[(int)(sorted.Length * 0.99)]);
    }
}
