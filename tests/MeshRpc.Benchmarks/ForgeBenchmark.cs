using System.Diagnostics;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.TestWorker;
using Quickstart;

namespace MeshRpc.Benchmarks;

/// <summary>
/// Summon-to-first-call per sandbox provider, cold and from the warm pool, beside two floors measured in the same run
/// in the same kind of sandbox: starting <c>/bin/true</c>, and starting a .NET hello-world (this program's --hello).
/// </summary>
internal static class ForgeBenchmark
{
    public static async Task RunAsync(int samples, IReadOnlyList<string> providers)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {samples} samples per cell; times are medians (p50) in ms");
        Console.WriteLine();
        Console.WriteLine("| provider | floor: /bin/true | floor: .NET hello | cold summon → first call | cold / .NET floor | warm-pool summon → first call |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var provider in providers)
        {
            var trueFloor = await FloorAsync(provider, ["/bin/true"], samples);
            var helloFloor = await FloorAsync(provider, [DotnetMuxer, typeof(ForgeBenchmark).Assembly.Location, "--hello"], samples);
            var cold = await SummonsAsync(provider, warmPool: 0, samples);
            var warm = await SummonsAsync(provider, warmPool: 2, samples);
            Console.WriteLine($"| {provider} | {trueFloor:0.0} | {helloFloor:0.0} | {cold:0.0} | {cold / helloFloor:0.00} | {warm:0.0} |");
        }
    }

    private static string DotnetMuxer => MeshRpc.Hosting.DotnetMuxer.Path;

    /// <summary>Median time to start a sandbox running <paramref name="command"/> and see it exit.</summary>
    private static async Task<double> FloorAsync(string provider, string[] command, int samples)
    {
        var work = Directory.CreateTempSubdirectory("meshrpc-floor-").FullName;
        try
        {
            var options = new NodeAgentOptions { Gateway = new Uri("http://127.0.0.1:1"), WorkDirectory = work };
            Directory.CreateDirectory(options.GemCacheDirectory);
            ISandboxProvider sandboxes = provider switch
            {
                "lxc" => new LxcSandboxProvider(options),
                "bwrap" => new BwrapSandboxProvider(options),
                _ => new ProcessSandboxProvider(options),
            };
            var times = new List<double>();
            for (var i = 0; i < samples + 1; i++)
            {
                var spec = new SandboxSpec($"{LxcSandboxProvider.NamePrefix}floor-{i}", command, WorkerHostCommand.HostDirectory, options.GemCacheDirectory, options.Limits);
                var started = Stopwatch.GetTimestamp();
                await using var sandbox = await sandboxes.StartAsync(spec, CancellationToken.None);
                sandbox.Input.Close();
                var exitCode = await sandbox.Exited;
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (exitCode != 0)
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

    /// <summary>Median time from asking the gateway for a worker to the first call's answer.</summary>
    private static async Task<double> SummonsAsync(string provider, int warmPool, int samples)
    {
        string[] agentArguments = warmPool > 0 ? ["--warm-pool", warmPool.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        await using var mesh = await EmbeddedMesh.StartAsync(provider, CancellationToken.None, agentArguments);
        using var client = new MeshClient(mesh.GatewayAddress);
        await client.PublishGemAsync(TestGem.Pack());
        var times = new List<double>();
        for (var i = 0; i < samples + 1; i++)
        {
            if (warmPool > 0)
            {
                // Let the pool refill, so each sample measures a warm summon.
                await Task.Delay(TimeSpan.FromSeconds(1.5));
            }

            var started = Stopwatch.GetTimestamp();
            await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer));
            await worker.EchoAsync("first");
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (i > 0)
            {
                times.Add(elapsed);
            }
        }

        return Median(times);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
