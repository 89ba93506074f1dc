using System.Diagnostics;
using MeshRpc.TestWorker;
using MeshRpc.Testing;

namespace MeshRpc.Benchmarks;

/// <summary>Summon latency (request to connected ghost proxy) at 1, 10 and 50 concurrent summons over three nodes.</summary>
internal static class SummonBenchmark
{
    public static async Task RunAsync(string sandbox, int samplesPerLevel)
    {
        await using var mesh = await EmbeddedMesh.StartAsync(sandbox, nodes: 3, CancellationToken.None, "--slots", "20");
        using var client = new MeshClient(mesh.GatewayAddress, mesh.Caller);
        await client.PublishGemAsync(TestGem.Pack());

        // One unmeasured round warms the caller, the gateway and the agents.
        await RoundAsync(client, 3);

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; three node agents ({mesh.Sandbox}) and the gateway in one process; at least {samplesPerLevel} summons per level");
        Console.WriteLine();
        Console.WriteLine("| concurrent summons | p50 ms | p99 ms | summons measured |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var concurrency in new[] { 1, 10, 50 })
        {
            var latencies = new List<double>();
            while (latencies.Count < samplesPerLevel)
            {
                latencies.AddRange(await RoundAsync(client, concurrency));
            }

            var sorted = latencies.Order().ToArray();
            Console.WriteLine($"| {concurrency} | {sorted[sorted.Length / 2]:0.0} | {sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]:0.0} | {sorted.Length} |");
        }
    }

    private static async Task<double[]> RoundAsync(MeshClient client, int concurrency)
    {
        var summons = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var started = Stopwatch.GetTimestamp();
            var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer));
            return (Worker: worker, Ms: Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }));
        await Task.WhenAll(summons.Select(s => s.Worker.DisposeAsync().AsTask()));
        return [.. summons.Select(s => s.Ms)];
    }
}
