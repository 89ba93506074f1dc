using System.Globalization;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.Benchmarks;

/// <summary>
/// Resident memory of idle workers (a .NET worker host, and a gem's native host) and of the gateway and agent with
/// many live workers, each its own OS process as in a deployment, beside the floor of an idle .NET process measured in
/// the same run. Workers are measured idle: summoned, called once, then left alone for a few seconds.
/// </summary>
internal static class MemoryBenchmark
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(string sandbox, int workers, int nativeWorkers)
    {
        var nativeHost = await NativeHostBuild.PublishAsync();
        var work = Directory.CreateTempSubdirectory("meshrpc-bench-memory-").FullName;
        try
        {
            await MeasureAsync(sandbox, workers, nativeWorkers, TestGem.PackNative(nativeHost), work);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(nativeHost)!, recursive: true);
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task MeasureAsync(string sandbox, int workers, int nativeWorkers, byte[] nativeGem, string work)
    {
        var store = Path.Combine(work, "api-keys.json");
        var caller = ApiKeyStore.Create(store, "bench-caller", [MeshPermissions.SummonGem, MeshPermissions.PublishGems]);
        var admin = ApiKeyStore.Create(store, "bench-operator", [MeshPermissions.Admin]);
        Environment.SetEnvironmentVariable("MESHRPC_JOIN_TOKEN", ApiKeyStore.Create(store, "bench-nodes", [MeshPermissions.NodeJoin]));
        var count = workers.ToString(CultureInfo.InvariantCulture);
        await using var gateway = ChildProcess.Start("MeshRpc.Gateway.dll",
            "--gem-store", Path.Combine(work, "gems"), "--api-keys", store, "--urls", "http://127.0.0.1:0",
            "--max-workers-per-caller", count, "--summon-burst", count);
        var address = new Uri(await gateway.WaitForLineAsync("MESHRPC-LISTENING", StartTimeout));
        await using var agent = ChildProcess.Start("MeshRpc.NodeAgent.dll",
            "--gateway", address.ToString(), "--node-id", "bench", "--work-dir", Path.Combine(work, "agent"), "--sandbox", sandbox,
            "--slots", count);
        var provider = await agent.WaitForLineAsync("MESHRPC-SANDBOX", StartTimeout);
        try
        {
            using var client = new MeshClient(address, MeshCredential.FromKey(caller));
            using var operatorClient = new MeshClient(address, MeshCredential.FromKey(admin));
            await WaitForLiveNodeAsync(operatorClient);
            await client.PublishGemAsync(TestGem.Pack());
            await client.PublishGemAsync(nativeGem);

            var floor = await IdleDotnetProcessAsync();
            var gatewayIdle = ResidentMemory.Of(gateway.Id);
            var agentIdle = ResidentMemory.Of(agent.Id);

            var dotnetWorkers = await IdleWorkersAsync(client, operatorClient, TestGem.Pointer, workers);
            var gatewayBusy = ResidentMemory.Of(gateway.Id);
            var agentBusy = ResidentMemory.Of(agent.Id);
            await dotnetWorkers.DisposeAsync();
            var nativeHosts = await IdleWorkersAsync(client, operatorClient, TestGem.NativePointer, nativeWorkers);
            await nativeHosts.DisposeAsync();

            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; sandbox {provider}; {workers} .NET workers, then {nativeWorkers} native-gem workers, each idle {Settle.TotalSeconds:0} s after one call; figures in MB (MiB)");
            Console.WriteLine();
            Console.WriteLine("| process | RSS | PSS | USS | USS / floor | target |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Row("floor: an idle .NET process (this program, --idle)", floor, floor, "");
            Row(".NET worker host, idle (median)", dotnetWorkers.Host, floor, "at most 40 MB");
            if (dotnetWorkers.Sandbox is { } dotnetSandbox)
            {
                Row(".NET worker, every process of its sandbox (median)", dotnetSandbox, floor, "");
            }

            Row("native gem's host, idle (median)", nativeHosts.Host, floor, "at most 15 MB");
            if (nativeHosts.Sandbox is { } nativeSandbox)
            {
                Row("native gem, every process of its sandbox (median)", nativeSandbox, floor, "");
            }

            Row("gateway, no workers", gatewayIdle, floor, "");
            Row($"gateway, {workers} live workers", gatewayBusy, floor, "");
            Row("agent, no workers", agentIdle, floor, "");
            Row($"agent, {workers} live workers", agentBusy, floor, "");
        }
        catch (Exception)
        {
            // A failed summon's reason is in the mesh's own output, which ends with this program.
            Console.Error.WriteLine($"--- gateway ---\n{gateway.Output}\n--- agent ---\n{agent.Output}");
            throw;
        }
    }

    private static void Row(string name, ResidentMemory memory, ResidentMemory floor, string target) =>
        Console.WriteLine($"| {name} | {memory.RssMb:0.0} | {memory.PssMb:0.0} | {memory.UssMb:0.0} | {memory.UssMb / floor.UssMb:0.00} | {target} |");

    /// <summary>Summons <paramref name="count"/> workers of <paramref name="gem"/> (four at a time), calls each once, waits, and measures each.</summary>
    private static async Task<IdleWorkers> IdleWorkersAsync(MeshClient client, MeshClient operatorClient, string gem, int count)
    {
        var proxies = new List<ITestWorker>();
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(gem));
                await worker.EchoAsync("once");
                lock (proxies)
                {
                    proxies.Add(worker);
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        await Task.Delay(Settle);
        var registry = await operatorClient.Gateway.GetServiceRegistryAsync();
        var pids = registry.Nodes.SelectMany(n => n.Workers).Select(w => w.ProcessId).ToList();
        if (pids.Count != count)
        {
            throw new InvalidOperationException($"The registry lists {pids.Count} workers; {count} were summoned.");
        }

        var hosts = pids.Select(ResidentMemory.Of).ToList();
        var sandboxes = pids.Select(ResidentMemory.OfSandbox).ToList();
        return new IdleWorkers(proxies, Median(hosts), sandboxes.All(s => s is not null) ? Median([.. sandboxes.Select(s => s!.Value)]) : null);
    }

    // This program with --idle: the runtime started, nothing else, waiting for its input to close.
    private static async Task<ResidentMemory> IdleDotnetProcessAsync()
    {
        await using var idle = ChildProcess.Start(Path.GetFileName(typeof(MemoryBenchmark).Assembly.Location), "--idle");
        await idle.WaitForLineAsync("idle", StartTimeout);
        await Task.Delay(Settle);
        return ResidentMemory.Of(idle.Id);
    }

    private static async Task WaitForLiveNodeAsync(MeshClient operatorClient)
    {
        using var deadline = new CancellationTokenSource(StartTimeout);
        while ((await operatorClient.Gateway.GetServiceRegistryAsync(deadline.Token)).Nodes.All(n => n.Status != "live"))
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    private static ResidentMemory Median(List<ResidentMemory> values) =>
        new(Median(values.Select(v => v.RssMb)), Median(values.Select(v => v.PssMb)), Median(values.Select(v => v.UssMb)));

    private static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);

    private sealed record IdleWorkers(List<ITestWorker> Proxies, ResidentMemory Host, ResidentMemory? Sandbox) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var proxy in Proxies)
            {
                await ((IAsyncDisposable)proxy).DisposeAsync();
            }
        }
    }
}
