using System.Diagnostics;
using System.Globalization;
using MeshRpc;
using MeshRpc.Hosting;
using MeshRpc.TestWorker;
using MeshRpc.Tickets;

namespace MeshRpc.Benchmarks;

/// <summary>
/// Ghost proxy vs. hand-written StreamJsonRpc InvokeWithCancellationAsync, over one loopback connection to one worker.
/// Variants alternate within each round so machine noise lands on both alike; ratios are what to read.
/// </summary>
internal static class ProxyBenchmark
{
    private const int InFlight = 64;

    public static async Task RunAsync(int rounds, int sequentialCalls, int concurrentCalls)
    {
        var workerKey = new byte[32];
        var signer = TicketSigner.CreateEphemeral();
        await using var server = new WorkerServer(
            new WorkerServerOptions { WorkerId = "w-bench", WorkerKey = workerKey, Tickets = signer.CreateVerifier(), HeartbeatTimeout = TimeSpan.FromMinutes(10) },
            MeshContracts.Get<ITestWorker>(),
            new MeshRpc.TestWorker.TestWorker());
        var endpoint = server.Start();
        var contract = MeshContracts.Get<ITestWorker>();
        var ticket = signer.Issue("w-bench", workerKey, $"tcp://{endpoint.Address}:{endpoint.Port}", "local", contract.Name, contract.Hash, 600_000, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        await using var connection = await WorkerConnection.ConnectAsync(ticket, MeshContracts.Get<ITestWorker>());
        var proxy = MeshContracts.Get<ITestWorker>().CreateProxy(connection);
        var rpc = connection.Rpc;

        Func<Task<string>> viaProxy = () => proxy.EchoAsync("ping");
        Func<Task<string>> handWritten = () => rpc.InvokeWithCancellationAsync<string>("Echo", ["ping"], CancellationToken.None);

        // Warm up both paths (JIT, pools, TCP) before measuring.
        await Sequential(viaProxy, 2_000);
        await Sequential(handWritten, 2_000);

        var proxyLatencies = new List<double>();
        var baselineLatencies = new List<double>();
        double proxyThroughput = 0, baselineThroughput = 0;
        for (var round = 0; round < rounds; round++)
        {
            var proxyFirst = round % 2 == 0;
            foreach (var (call, latencies) in proxyFirst
                ? new[] { (viaProxy, proxyLatencies), (handWritten, baselineLatencies) }
                : new[] { (handWritten, baselineLatencies), (viaProxy, proxyLatencies) })
            {
                latencies.AddRange(await Sequential(call, sequentialCalls));
            }

            foreach (var call in proxyFirst ? new[] { viaProxy, handWritten } : [handWritten, viaProxy])
            {
                var rate = await Concurrent(call, concurrentCalls, InFlight);
                if (call == viaProxy)
                {
                    proxyThroughput += rate;
                }
                else
                {
                    baselineThroughput += rate;
                }
            }
        }

        proxyThroughput /= rounds;
        baselineThroughput /= rounds;
        var (p50, p99) = Percentiles(proxyLatencies);
        var (b50, b99) = Percentiles(baselineLatencies);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {rounds} rounds × {sequentialCalls} sequential calls and {concurrentCalls} calls with {InFlight} in flight per variant");
        Console.WriteLine();
        Console.WriteLine("| measure | hand-written StreamJsonRpc | ghost proxy | proxy / baseline |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| sequential latency p50 | {b50:0.0} µs | {p50:0.0} µs | {p50 / b50:0.000} |");
        Console.WriteLine($"| sequential latency p99 | {b99:0.0} µs | {p99:0.0} µs | {p99 / b99:0.000} |");
        Console.WriteLine($"| throughput, {InFlight} in flight | {baselineThroughput:0} calls/s | {proxyThroughput:0} calls/s | {proxyThroughput / baselineThroughput:0.000} |");
    }

    private static async Task<List<double>> Sequential(Func<Task<string>> call, int count)
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

    private static async Task<double> Concurrent(Func<Task<string>> call, int count, int inFlight)
    {
        var remaining = count;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await call();
            }
        }));
        return count / watch.Elapsed.TotalSeconds;
    }

    private static (double P50, double P99) Percentiles(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return (sorted[(int)(sorted.Length * 0.50)], sorted[(int)(sorted.Length * 0.99)]);
    }
}
