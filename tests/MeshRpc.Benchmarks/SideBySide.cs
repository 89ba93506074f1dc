
namespace MeshRpc.Benchmarks;

/// <summary>
/// Measures a variant against its baseline in one run: each round runs both, in alternating order, as sequential calls
/// (latency per call) and as calls with many in flight (throughput), so machine noise lands on both alike.
/// </summary>
internal static class SideBySide
{
    public const int InFlight = Lineup.InFlight;

    public static async Task RunAsync(
        string baselineName, Func<Task<string>> baseline, string variantName, Func<Task<string>> variant,
        int rounds, int sequentialCalls, int concurrentCalls, string setting)
    {
        // Warm up both paths (JIT, pools, connections) before measuring.
        await Lineup.SequentialAsync(variant, 2_000);
        await Lineup.SequentialAsync(baseline, 2_000);

        var variantLatencies = new List<double>();
        var baselineLatencies = new List<double>();
        double variantThroughput = 0, baselineThroughput = 0;
        for (var round = 0; round < rounds; round++)
        {
            var variantFirst = round % 2 == 0;
            foreach (var (call, latencies) in variantFirst
                ? new[] { (variant, variantLatencies), (baseline, baselineLatencies) }
                : new[] { (baseline, baselineLatencies), (variant, variantLatencies) })
            {
                latencies.AddRange(await Lineup.SequentialAsync(call, sequentialCalls));
            }

            foreach (var call in variantFirst ? new[] { variant, baseline } : [baseline, variant])
            {
                var rate = await Lineup.ConcurrentAsync(call, concurrentCalls);
                if (call == variant)
                {
                    variantThroughput += rate;
                }
                else
                {
                    baselineThroughput += rate;
                }
            }
        }

        variantThroughput /= rounds;
        baselineThroughput /= rounds;
        var (v50, v99) = Lineup.Percentiles(variantLatencies);
        var (b50, b99) = Lineup.Percentiles(baselineLatencies);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {setting}; {rounds} rounds × {sequentialCalls} sequential calls and {concurrentCalls} calls with {InFlight} in flight per variant");
        Console.WriteLine();
        Console.WriteLine($"| measure | {baselineName} | {variantName} | ratio |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| sequential latency p50 | {b50:0.0} µs | {v50:0.0} µs | {v50 / b50:0.000} |");
        Console.WriteLine($"| sequential latency p99 | {b99:0.0} µs | {v99:0.0} µs | {v99 / b99:0.000} |");
        Console.WriteLine($"| throughput, {InFlight} in flight | {baselineThroughput:0} calls/s | {variantThroughput:0} calls/s | {variantThroughput / baselineThroughput:0.000} |");
    }
}
