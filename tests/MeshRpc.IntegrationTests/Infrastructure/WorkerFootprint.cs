using System.Globalization;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>
/// What workers occupy on this machine, counted from the kernel's own views: processes of worker hosts and sandboxes,
/// containers in the agents' LXC folders, cgroups named after sandboxes, network devices, mounts, temporary folders.
/// Two snapshots around work that ends every worker must be equal.
/// </summary>
public sealed record WorkerFootprint(int Processes, int Containers, int Cgroups, int NetworkDevices, int Mounts, int TempEntries)
{
    private const string SandboxPrefix = "meshrpc-w-";

    /// <summary>Counts now; <paramref name="lxcFolders"/> are the agents' container folders.</summary>
    public static WorkerFootprint Take(IEnumerable<string> lxcFolders) => new(
        Processes: Directory.EnumerateDirectories("/proc").Count(IsWorkerProcess),
        Containers: lxcFolders.Where(Directory.Exists).Sum(folder => Directory.EnumerateFileSystemEntries(folder).Count()),
        Cgroups: CgroupsNamed(SandboxPrefix),
        NetworkDevices: Directory.EnumerateFileSystemEntries("/sys/class/net").Count(),
        Mounts: File.ReadLines("/proc/self/mountinfo").Count(line => line.Contains("meshrpc", StringComparison.Ordinal)),
        TempEntries: Directory.EnumerateFileSystemEntries(Path.GetTempPath(), "meshrpc*").Count());

    /// <summary>Resident memory of a process, in MiB.</summary>
    public static double ResidentMegabytes(int processId) =>
        File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) is var line
            ? double.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024
            : 0;

    private static bool IsWorkerProcess(string procEntry)
    {
        try
        {
            var commandLine = File.ReadAllText(Path.Combine(procEntry, "cmdline"));
            return commandLine.Contains("MeshRpc.WorkerHost", StringComparison.Ordinal) || commandLine.Contains(SandboxPrefix, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not a process (or one that ended while being read).
            return false;
        }
    }

    // Cgroup folders (v1: under each controller; v2: the unified tree) a few levels deep whose name holds the prefix.
    private static int CgroupsNamed(string prefix)
    {
        static IEnumerable<string> Walk(string folder, int depth)
        {
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(folder).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                yield break;
            }

            foreach (var child in children)
            {
                yield return child;
                if (depth > 1)
                {
                    foreach (var deeper in Walk(child, depth - 1))
                    {
                        yield return deeper;
                    }
                }
            }
        }

        return Walk("/sys/fs/cgroup", 4).Count(folder => Path.GetFileName(folder).Contains(prefix, StringComparison.Ordinal));
    }
}
