using System.Globalization;

namespace MeshRpc.Benchmarks;

/// <summary>
/// What a process holds in memory, from <c>/proc</c>: its resident set (RSS, shared pages counted whole), its
/// proportional set (PSS, each shared page divided among the processes sharing it) and its unique set (USS, the pages
/// no other process maps: what another such process adds to the machine).
/// </summary>
internal readonly record struct ResidentMemory(double RssMb, double PssMb, double UssMb)
{
    public static ResidentMemory Of(int pid)
    {
        var rollup = $"/proc/{pid}/smaps_rollup";
        return new(
            Kilobytes($"/proc/{pid}/status", "VmRSS:") / 1024,
            Kilobytes(rollup, "Pss:") / 1024,
            (Kilobytes(rollup, "Private_Clean:") + Kilobytes(rollup, "Private_Dirty:")) / 1024);
    }

    public static ResidentMemory operator +(ResidentMemory a, ResidentMemory b) => new(a.RssMb + b.RssMb, a.PssMb + b.PssMb, a.UssMb + b.UssMb);

    /// <summary>
    /// Every process in the memory cgroup of <paramref name="pid"/>, when that is a cgroup of its own (a sandbox's:
    /// the worker host with whatever runs beside it there); null when the process shares this program's cgroup.
    /// </summary>
    public static ResidentMemory? OfSandbox(int pid)
    {
        var group = MemoryCgroup(pid);
        if (group is null || group == MemoryCgroup(Environment.ProcessId))
        {
            return null;
        }

        var procs = Path.Combine("/sys/fs/cgroup/memory", group.TrimStart('/'), "cgroup.procs");
        return File.Exists(procs)
            ? File.ReadAllLines(procs).Select(line => Of(int.Parse(line, CultureInfo.InvariantCulture))).Aggregate((a, b) => a + b)
            : null;
    }

    // The memory controller's line of /proc/<pid>/cgroup (cgroup v1, as on this project's machines).
    private static string? MemoryCgroup(int pid) =>
        File.ReadAllLines($"/proc/{pid}/cgroup").Select(line => line.Split(':', 3)).FirstOrDefault(parts => parts[1].Split(',').Contains("memory"))?[2];

    private static double Kilobytes(string file, string field)
    {
        var line = File.ReadLines(file).First(l => l.StartsWith(field, StringComparison.Ordinal));
        return double.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
