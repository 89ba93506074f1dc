using System.Diagnostics;
using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Placement;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Security;

namespace MeshRpc.Benchmarks;

/// <summary>
/// One gateway's registry and placement at swarm scale, in process (no HTTP, no TLS: what the gateway's own code costs
/// per request): simulated nodes heartbeat lists of simulated workers, summons are placed among them. Reports the
/// memory each worker entry holds, heartbeats handled per second (parsing the JSON body and recording it, as the
/// heartbeat endpoint does), and a summon's placement latency (the caller's quota, ranking, the slot reservation and
/// its release), quiet and while heartbeats arrive, each beside its floor.
/// </summary>
internal static class ControlPlaneBenchmark
{
    private const string Gem = "sha256:" + "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
    private const int Callers = 1_000;

    public static void Run(int nodeCount, int workersPerNode, int placements, int heartbeats)
    {
        // Nodes stay live for the whole run: each heartbeats once per pass at most, and a pass can take seconds.
        var options = new GatewayOptions { NodeDeadAfterMs = 600_000, MaxWorkersPerCaller = int.MaxValue };
        var bodies = Enumerable.Range(0, nodeCount).Select(n => Body(n, workersPerNode)).ToArray();
        var briefs = Enumerable.Range(0, nodeCount).Select(n => Body(n, workers: null)).ToArray();

        var baseline = Heap();
        var registry = new NodeRegistry(options, TimeProvider.System);
        for (var n = 0; n < nodeCount; n++)
        {
            Now(registry.TryRegisterAsync(Registration(n, workersPerNode)));
            Record(registry, n, Parse(bodies[n]));
        }

        var perWorker = (Heap() - baseline) / (double)(nodeCount * workersPerNode);
        var placement = new PlacementService(options, registry, new MostFreeCapacityPlacement());
        var quota = new CallerQuota(registry, options);
        var summon = new SpawnEphemeralRequest { Contract = "Bench.IWorker", ContractHash = "bench", Gem = Gem };

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC; {nodeCount} nodes × {workersPerNode} workers = {nodeCount * workersPerNode} live workers on one registry; {Callers} callers");
        Console.WriteLine();
        Console.WriteLine($"memory per worker entry (managed heap after a full GC, registry and the reports it keeps): {perWorker:0} bytes");
        Console.WriteLine();

        // The floor: parsing a whole list without recording it. Agents send a list whole when they join, and afterwards
        // only what changed since the list the gateway holds (nothing, when nothing did).
        var parseOnly = HeartbeatRate(nodeCount, heartbeats, (n, _) => Parse(bodies[n]));
        var whole = HeartbeatRate(nodeCount, heartbeats, (n, _) => Record(registry, n, Parse(bodies[n])));
        var brief = HeartbeatRate(nodeCount, heartbeats, (n, _) => Record(registry, n, Parse(briefs[n])));

        // Each node's list changes by one worker started and one ended, heartbeat after heartbeat (versions 2, 3, …).
        var changes = Enumerable.Range(0, Rounds(nodeCount, heartbeats)).Select(r => Enumerable.Range(0, nodeCount).Select(n => Changes(n, r)).ToArray()).ToArray();
        var changed = HeartbeatRate(nodeCount, heartbeats, (n, round) => Record(registry, n, Parse(changes[round][n])));
        Console.WriteLine($"| heartbeats, {Environment.ProcessorCount} threads | per second | / floor | target |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| floor: parse a whole list ({workersPerNode} workers, {bodies[0].Length} bytes) only | {parseOnly:0} | 1.00 | |");
        Console.WriteLine($"| whole list: parse and record | {whole:0} | {whole / parseOnly:0.00} | at least 20,000/s |");
        Console.WriteLine($"| changes only, one worker started and one ended ({changes[0][0].Length} bytes): parse and record | {changed:0} | {changed / parseOnly:0.00} | at least 20,000/s |");
        Console.WriteLine($"| unchanged list ({briefs[0].Length} bytes): parse and record | {brief:0} | {brief / parseOnly:0.00} | at least 20,000/s |");
        Console.WriteLine();

        var floor = Latencies(placements, i => { var node = NodeId(i % nodeCount); Now(registry.TryReserveAsync(node)); Now(registry.ReleaseAsync(node, null)); });
        var quiet = Latencies(placements, i => Place(placement, quota, summon, registry, i));
        List<double> busy;
        using (var stop = new CancellationTokenSource())
        {
            var background = Task.Run(() =>
            {
                for (var i = 0; i < heartbeats * 10 && !stop.IsCancellationRequested; i++)
                {
                    Record(registry, i % nodeCount, Parse(bodies[i % nodeCount]));
                }
            });
            busy = Latencies(placements, i => Place(placement, quota, summon, registry, i));
            stop.Cancel();
            background.Wait();
        }

        Console.WriteLine($"| placement, {placements} summons one after another | p50 | p99 | max | p99 / floor's | target |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Row("floor: reserve and release a slot on a named node", floor, floor, "");
        Row("quota, rank, reserve, release (quiet registry)", quiet, floor, "p99 at most 1 ms");
        Row("the same while one thread records whole-list heartbeats", busy, floor, "p99 at most 1 ms");
    }

    private static void Row(string name, List<double> latencies, List<double> floor, string target)
    {
        var (p50, p99) = Lineup.Percentiles(latencies);
        Console.WriteLine($"| {name} | {p50:0.0} µs | {p99:0.0} µs | {latencies.Max():0} µs | {p99 / Lineup.Percentiles(floor).P99:0.0} | {target} |");
    }

    private static void Place(PlacementService placement, CallerQuota quota, SpawnEphemeralRequest summon, NodeRegistry registry, int i)
    {
        using var lease = quota.TryEnter(Owner(i % Callers)) ?? throw new InvalidOperationException("The quota refused a summon.");
        var reserving = placement.ReserveAsync(summon, Gem);
        var node = reserving.IsCompletedSuccessfully ? reserving.Result : throw new InvalidOperationException("The in-memory registry placed asynchronously.");
        Now(registry.ReleaseAsync(node.Registration.NodeId, null));
    }

    private static List<double> Latencies(int count, Action<int> step)
    {
        for (var i = 0; i < Math.Min(count, 1_000); i++)
        {
            step(i);
        }

        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            step(i);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        return latencies;
    }

    // Heartbeats handled per second by every core at once, for as many rounds over the nodes as make the count, within
    // ten seconds. Each thread heartbeats for nodes of its own, so a node's heartbeats arrive in order, as one agent sends them.
    private static double HeartbeatRate(int nodeCount, int count, Action<int, int> handle)
    {
        var threads = Environment.ProcessorCount;
        var rounds = Rounds(nodeCount, count);
        var done = 0;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            for (var round = 0; round < rounds && watch.Elapsed < TimeSpan.FromSeconds(10); round++)
            {
                for (var node = thread; node < nodeCount; node += threads)
                {
                    handle(node, round);
                    Interlocked.Increment(ref done);
                }
            }
        });
        return done / watch.Elapsed.TotalSeconds;
    }

    // The in-memory registry completes every call at once: what is measured is its work, not an await.
    private static T Now<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("The in-memory registry completed a call asynchronously.");

    private static void Now(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The in-memory registry completed a call asynchronously.");
        }
    }

    private static int Rounds(int nodeCount, int count) => (count + nodeCount - 1) / nodeCount;

    private static void Record(NodeRegistry registry, int node, NodeHeartbeat heartbeat)
    {
        if (Now(registry.HeartbeatAsync(NodeId(node), heartbeat)) is not (HeartbeatResult.Recorded or HeartbeatResult.CameAlive))
        {
            throw new InvalidOperationException($"The registry did not record {NodeId(node)}'s heartbeat.");
        }
    }

    private static NodeHeartbeat Parse(byte[] body) =>
        JsonSerializer.Deserialize(body, ControlPlaneJsonContext.Default.NodeHeartbeat) ?? throw new InvalidDataException("empty heartbeat");

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    // A node's heartbeat: its whole list (numbered 1), or, with no workers given, only the number of that list.
    private static byte[] Body(int node, int? workers) => JsonSerializer.SerializeToUtf8Bytes(
        new NodeHeartbeat(workers is { } count
            ? [.. Enumerable.Range(0, count).Select(w => new WorkerReport(
                $"w-{NodeId(node)}-{w:000000}", "Bench.IWorker", $"10.0.{node / 250}.{node % 250}:{40_000 + w}", 10_000 + w, DateTimeOffset.UtcNow)
            { Owner = Owner((node * count + w) % Callers) })]
            : null)
        {
            ListVersion = 1,
            Added = 100,
            WarmHosts = node % 10 == 0 ? [new WarmHosts(Gem, 2), new WarmHosts(null, 1)] : [],
        },
        ControlPlaneJsonContext.Default.NodeHeartbeat);

    // Round r of a node's changes: list 2 + r from list 1 + r, trading its first worker and a spare one back and forth.
    private static byte[] Changes(int node, int round)
    {
        var first = new WorkerReport($"w-{NodeId(node)}-{0:000000}", "Bench.IWorker", "10.0.0.1:40000", 10_000, DateTimeOffset.UtcNow) { Owner = Owner(node % Callers) };
        var spare = first with { WorkerId = $"w-{NodeId(node)}-spare" };
        var (started, ended) = round % 2 == 0 ? (spare, first) : (first, spare);
        return JsonSerializer.SerializeToUtf8Bytes(
            new NodeHeartbeat(null) { ListVersion = 2 + round, BaseVersion = 1 + round, Started = [started], Ended = [ended.WorkerId], Added = 100 + round },
            ControlPlaneJsonContext.Default.NodeHeartbeat);
    }

    private static NodeRegistration Registration(int node, int workers) => new()
    {
        NodeId = NodeId(node),
        AgentUrl = $"https://10.0.{node / 250}.{node % 250}:7070",
        DataPlaneAddress = $"10.0.{node / 250}.{node % 250}",
        Sandbox = "lxc",
        Slots = workers + 28,
        Cores = 8 + node % 3 * 8,
        WorkerMemoryMb = 512,
        Labels = node % 2 == 0 ? ["zone=eu"] : ["zone=us"],
        RunsSource = true,
        AgentCertificateSha256 = "bench",
    };

    private static string NodeId(int node) => $"node-{node:0000}";

    private static string Owner(int caller) => $"caller-{caller:0000}";
}
