using System.Diagnostics;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.TestWorker;
using MeshRpc.Testing;

namespace MeshRpc.Benchmarks;

/// <summary>
/// Summon-to-first-call per sandbox provider, cold and from the warm pool, with the data plane's TLS on (the default) and
/// off, and cold for a gem that ships a native host (Native AOT), beside floors measured in the same run in the same
/// kind of sandbox: starting <c>/bin/true</c>, a .NET hello-world (this program's --hello), and the native host itself
/// given no input (it prints one status line and exits).
/// </summary>
internal static class ForgeBenchmark
{
    public static async Task RunAsync(int samples, IReadOnlyList<string> providers)
    {
        var nativeHost = await NativeHostBuild.PublishAsync();
        try
        {
            await MeasureAsync(samples, providers, nativeHost);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(nativeHost)!, recursive: true);
        }
    }

    private static async Task MeasureAsync(int samples, IReadOnlyList<string> providers, string nativeHost)
    {
        var nativeGem = TestGem.PackNative(nativeHost);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {samples} samples per cell; times are medians (p50) in ms");
        Console.WriteLine();
        Console.WriteLine("| provider | floor: /bin/true | floor: .NET hello | floor: native host | cold summon → first call | cold / .NET floor | cold, native gem | native / .NET floor | warm-pool summon → first call | cold, TLS off | warm-pool, TLS off |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        var breakdowns = new List<string>();
        foreach (var provider in providers)
        {
            var trueFloor = await FloorAsync(provider, _ => ["/bin/true"], samples);
            var helloFloor = await FloorAsync(provider, _ => [DotnetMuxer, typeof(ForgeBenchmark).Assembly.Location, "--hello"], samples);
            var nativeFloor = await FloorAsync(provider, gems => [Path.Combine(gems, Path.GetFileName(nativeHost))], samples, nativeHost);
            var cold = await SummonsAsync(provider, TestGem.Pointer, warmPool: 0, tls: true, samples, nativeGem);
            var native = await SummonsAsync(provider, TestGem.NativePointer, warmPool: 0, tls: true, samples, nativeGem);
            var warm = await SummonsAsync(provider, TestGem.Pointer, warmPool: 2, tls: true, samples, nativeGem);
            var coldPlain = await SummonsAsync(provider, TestGem.Pointer, warmPool: 0, tls: false, samples, nativeGem);
            var nativePlain = await SummonsAsync(provider, TestGem.NativePointer, warmPool: 0, tls: false, samples, nativeGem);
            var warmPlain = await SummonsAsync(provider, TestGem.Pointer, warmPool: 2, tls: false, samples, nativeGem);
            Console.WriteLine($"| {provider} | {trueFloor:0.0} | {helloFloor:0.0} | {nativeFloor:0.0} | {cold.Total:0.0} | {cold.Total / helloFloor:0.00} | {native.Total:0.0} | {native.Total / helloFloor:0.00} | {warm.Total:0.0} | {coldPlain.Total:0.0} | {warmPlain.Total:0.0} |");
            breakdowns.Add(cold.Row(provider, "cold"));
            breakdowns.Add(native.Row(provider, "cold, native gem"));
            breakdowns.Add(warm.Row(provider, "warm pool"));
            breakdowns.Add(coldPlain.Row(provider, "cold, TLS off"));
            breakdowns.Add(nativePlain.Row(provider, "cold, native gem, TLS off"));
            breakdowns.Add(warmPlain.Row(provider, "warm pool, TLS off"));
        }

        Console.WriteLine();
        Console.WriteLine("Where a summon's time goes (medians of each part, so they need not add up to the total):");
        Console.WriteLine();
        Console.WriteLine("| provider | summon | gateway (placement, ticket, HTTP) | node forge | connect + handshake | first call | total |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        breakdowns.ForEach(Console.WriteLine);
    }

    private static string DotnetMuxer => MeshRpc.Hosting.DotnetMuxer.Path;

    /// <summary>
    /// Median time to start a sandbox running <paramref name="command"/> (given where the gem cache appears inside the
    /// sandbox, where <paramref name="gemFile"/> is copied) and see it exit. The native host, given no input, reports
    /// that and exits with code 2; anything else must exit with 0.
    /// </summary>
    private static async Task<double> FloorAsync(string provider, Func<string, string[]> command, int samples, string? gemFile = null)
    {
        var work = Directory.CreateTempSubdirectory("meshrpc-floor-").FullName;
        try
        {
            // As the agent does at start-up: unprivileged sandboxes must reach the gem cache through this folder.
            Traversal.Grant(work);
            var options = new NodeAgentOptions { Gateway = new Uri("http://127.0.0.1:1"), WorkDirectory = work };
            Directory.CreateDirectory(options.GemCacheDirectory);
            WorkerTrust.Export(options.TrustDirectory);
            if (gemFile is not null)
            {
                File.Copy(gemFile, Path.Combine(options.GemCacheDirectory, Path.GetFileName(gemFile)));
            }

            ISandboxProvider sandboxes = provider switch
            {
                "lxc" => new LxcSandboxProvider(options),
                "bwrap" => new BwrapSandboxProvider(options),
                _ => new ProcessSandboxProvider(options),
            };
            var times = new List<double>();
            for (var i = 0; i < samples + 1; i++)
            {
                var spec = new SandboxSpec($"{LxcSandboxProvider.NamePrefix}floor-{i}", command(sandboxes.GemCacheMountPoint), WorkerHostCommand.HostDirectory, options.GemCacheDirectory, options.TrustDirectory, options.Limits, options.DataPlaneAddress);
                var started = Stopwatch.GetTimestamp();
                await using var sandbox = await sandboxes.StartAsync(spec, CancellationToken.None);
                sandbox.Input.Close();
                var exitCode = await sandbox.Exited;
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (exitCode != (gemFile is null ? 0 : MeshRpc.Hosting.WorkerHostProcess.CouldNotStart))
                {
                    throw new InvalidOperationException($"The floor command failed in {provider} with exit code {exitCode}.");
                }

                if (i > 0)
                {
                    times.Add(elapsed);
                }
            }

            return Median(times);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Median time from asking the gateway for a worker to the first call's answer, and of each part.</summary>
    private static async Task<SummonTimes> SummonsAsync(string provider, string gem, int warmPool, bool tls, int samples, byte[] nativeGem)
    {
        string[] agentArguments = ["--warm-pool", warmPool.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-plane-tls", tls ? "true" : "false"];
        await using var mesh = await EmbeddedMesh.StartAsync(provider, CancellationToken.None, agentArguments);
        using var client = new MeshClient(mesh.GatewayAddress, mesh.Caller);
        await client.PublishGemAsync(TestGem.Pack());
        await client.PublishGemAsync(nativeGem);
        var summons = new SummonTimes();
        for (var i = 0; i < samples + 1; i++)
        {
            if (warmPool > 0)
            {
                // Let the pool refill, so each sample measures a warm summon.
                await Task.Delay(TimeSpan.FromSeconds(1.5));
            }

            // SummonAsync is exactly SpawnAsync then ConnectAsync; split here to time each part.
            var started = Stopwatch.GetTimestamp();
            var spawned = await client.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(gem));
            var summoned = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await using var worker = await client.ConnectAsync<ITestWorker>(spawned.Ticket);
            var connected = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await worker.EchoAsync("first");
            var answered = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (i > 0)
            {
                summons.Add(summoned - spawned.Timings.ForgeMs, spawned.Timings.ForgeMs, connected - summoned, answered - connected, answered);
            }
        }

        return summons;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private sealed class SummonTimes
    {
        private readonly List<double> _gateway = [], _forge = [], _connect = [], _firstCall = [], _total = [];

        public double Total => Median(_total);

        public void Add(double gateway, double forge, double connect, double firstCall, double total)
        {
            _gateway.Add(gateway);
            _forge.Add(forge);
            _connect.Add(connect);
            _firstCall.Add(firstCall);
            _total.Add(total);
        }

        public string Row(string provider, string mode) =>
            $"| {provider} | {mode} | {Median(_gateway):0.0} | {Median(_forge):0.0} | {Median(_connect):0.0} | {Median(_firstCall):0.0} | {Total:0.0} |";
    }
}
