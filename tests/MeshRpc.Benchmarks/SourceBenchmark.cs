using System.Diagnostics;
using System.Globalization;
using MeshRpc.Testing;
using Quickstart;
using Quickstart.Contract;
using Quickstart.Worker;

namespace MeshRpc.Benchmarks;

/// <summary>
/// Summon-to-first-call of the quick start's calculator three ways, side by side in one run: from its gem, from source
/// the mesh has compiled before (a new worker of the same source), and from source it has never seen (each sample a
/// source of its own, compiled on the node); each cold (no warm pool, no warm compiler) and from warm pools (two pooled
/// worker hosts and one warm compiler, refilled between samples).
/// </summary>
internal static class SourceBenchmark
{
    // A pooled host refills within a second and a half of a take; a warm compiler starts a second after one, and its start
    // and rehearsal take a few seconds on a core shared with the rest of the mesh.
    private static readonly TimeSpan HostRefill = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan CompilerRefill = TimeSpan.FromSeconds(7);

    public static async Task RunAsync(string sandbox, int samples)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; sandbox {sandbox}; {samples} samples per cell; summon → first call, ms");
        Console.WriteLine();
        Console.WriteLine("| mode | gem p50 | gem p99 | repeated source p50 | repeated source p99 | repeated / gem (target ≤ 1.2) | first-time source p50 | first-time source p99 | of which node forge p50 | first-time / gem |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (mode, warm) in new[] { ("cold", false), ("warm pools", true) })
        {
            // Each kind of summon in a mesh of its own, so that no kind finds the pool primed for another.
            var gem = await CellAsync(sandbox, warm, samples, seen: false, _ => SummonRequest.FromGem(CalculatorGem.Pointer));
            var repeated = await CellAsync(sandbox, warm, samples, seen: true, _ => SummonRequest.FromSource(CalculatorSource.Text));
            var firstTime = await CellAsync(sandbox, warm, samples, seen: false, i => SummonRequest.FromSource(CalculatorSource.Text + $"\n// sample {i} of run {Guid.NewGuid():N}\n"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {mode} | {gem.P50:0.0} | {gem.P99:0.0} | {repeated.P50:0.0} | {repeated.P99:0.0} | {repeated.P50 / gem.P50:0.00} | {firstTime.P50:0.0} | {firstTime.P99:0.0} | {firstTime.ForgeP50:0.0} | {firstTime.P50 / gem.P50:0.00} |"));
        }
    }

    /// <summary>
    /// One cell: a fresh embedded mesh, cold or with warm pools, the calculator gem published (and its source compiled
    /// once, unmeasured, when <paramref name="seen"/>), then the summons measured, the pools given time to refill before each.
    /// </summary>
    private static async Task<Times> CellAsync(string sandbox, bool warm, int samples, bool seen, Func<int, SummonRequest> request)
    {
        string[] agent = warm ? ["--warm-pool", "2", "--warm-compilers", "1"] : ["--warm-pool", "0", "--warm-compilers", "0"];
        await using var mesh = await EmbeddedMesh.StartAsync(sandbox, CancellationToken.None, agent);
        using var client = new MeshClient(mesh.GatewayAddress, mesh.Caller);
        await client.PublishGemAsync(CalculatorGem.Pack());
        if (seen)
        {
            await using (await client.SummonAsync<ICalculator>(SummonRequest.FromSource(CalculatorSource.Text)))
            {
            }
        }

        var compiles = request(0).SourceCode is not null && !seen;
        return await MeasureAsync(client, samples, request, !warm ? TimeSpan.Zero : compiles ? CompilerRefill : HostRefill);
    }

    /// <summary>Times <paramref name="samples"/> summons (after one unmeasured), each to its first call's answer, waiting <paramref name="pause"/> before each.</summary>
    private static async Task<Times> MeasureAsync(MeshClient client, int samples, Func<int, SummonRequest> request, TimeSpan pause)
    {
        var totals = new List<double>();
        var forges = new List<double>();
        for (var i = 0; i <= samples; i++)
        {
            await Task.Delay(pause);
            var started = Stopwatch.GetTimestamp();
            var spawned = await client.SpawnAsync(MeshContracts.Get<ICalculator>(), request(i));
            await using var calculator = await client.ConnectAsync<ICalculator>(spawned.Ticket);
            if (await calculator.AddAsync(2, 3) != 5)
            {
                throw new InvalidOperationException("The calculator's first call gave a wrong answer.");
            }

            if (i > 0)
            {
                totals.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                forges.Add(spawned.Timings.ForgeMs);
            }
        }

        return new Times(Percentile(totals, 0.5), Percentile(totals, 0.99), Percentile(forges, 0.5));
    }

    private static double Percentile(List<double> values, double quantile) =>
        values.Order().ElementAt(Math.Min(values.Count - 1, (int)(quantile * values.Count)));

    private sealed record Times(double P50, double P99, double ForgeP50);
}
