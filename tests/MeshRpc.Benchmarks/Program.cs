using System.Globalization;
using MeshRpc.Benchmarks;

// dotnet run -c Release --project tests/MeshRpc.Benchmarks -- proxy [--rounds N] [--sequential N] [--concurrent N]
// dotnet run -c Release --project tests/MeshRpc.Benchmarks -- forge [--samples N] [--providers lxc,bwrap,process]
// dotnet run -c Release --project tests/MeshRpc.Benchmarks -- source [--samples N] [--sandbox lxc|bwrap]
// dotnet run -c Release --project tests/MeshRpc.Benchmarks -- summon [--samples N] [--sandbox process|lxc|bwrap] [--levels 1,10,50] [--slots N] [--warm-pool N] [--warm-pool-max N]
// dotnet run -c Release --project tests/MeshRpc.Benchmarks -- relay [--rounds N] [--sequential N] [--concurrent N]
// dotnet run -c Release --project tests/MeshRpc.Benchmarks -- calls [--rounds N] [--sequential N] [--concurrent N]
// dotnet run -c Release --project tests/MeshRpc.Benchmarks -- memory [--sandbox auto|lxc|bwrap|process] [--workers N] [--native-workers N]
// dotnet run -c Release --project tests/MeshRpc.Benchmarks -- controlplane [--nodes N] [--workers-per-node N] [--placements N] [--heartbeats N]
if (args.Contains("--hello"))
{
    // The .NET floor of the forge benchmark: a process that starts the runtime, prints, and exits.
    Console.WriteLine("hello");
    return;
}

if (args.Contains("--idle"))
{
    // The floor of the memory benchmark: a started runtime, idle until its input closes.
    Console.WriteLine("idle");
    Console.ReadLine();
    return;
}

switch (args.FirstOrDefault())
{
    case "summon":
        await SummonBenchmark.RunAsync(
            Text("--sandbox") ?? "process",
            Arg("--samples", 50),
            [.. (Text("--levels") ?? "1,10,50").Split(',').Select(level => int.Parse(level, CultureInfo.InvariantCulture))],
            Arg("--slots", 20),
            Arg("--warm-pool", 0),
            Arg("--warm-pool-max", 0));
        break;
    case "source":
        await SourceBenchmark.RunAsync(Text("--sandbox") ?? "lxc", Arg("--samples", 15));
        break;
    case "memory":
        await MemoryBenchmark.RunAsync(Text("--sandbox") ?? "auto", Arg("--workers", 100), Arg("--native-workers", 20));
        break;
    case "controlplane":
        ControlPlaneBenchmark.Run(Arg("--nodes", 1_000), Arg("--workers-per-node", 100), Arg("--placements", 20_000), Arg("--heartbeats", 100_000));
        break;
    case "calls":
        await CallPathBenchmark.RunAsync(Arg("--rounds", 10), Arg("--sequential", 1_000), Arg("--concurrent", 10_000));
        break;
    case "relay":
        await RelayBenchmark.RunAsync(Arg("--rounds", 10), Arg("--sequential", 1_000), Arg("--concurrent", 10_000));
        break;
    case "forge":
        await ForgeBenchmark.RunAsync(Arg("--samples", 15), (Text("--providers") ?? "lxc,bwrap,process").Split(','));
        break;
    default:
        await ProxyBenchmark.RunAsync(Arg("--rounds", 20), Arg("--sequential", 2_000), Arg("--concurrent", 20_000));
        break;
}

int Arg(string name, int fallback) => Text(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

string? Text(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
