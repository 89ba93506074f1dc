using System.Diagnostics;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>Questions about OS processes that the lifecycle tests ask.</summary>
internal static class Processes
{
    /// <summary>Whether a process with this id runs (a reaped or never-existing process does not).</summary>
    public static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited && !IsZombie(processId);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Polls until the process is gone; returns how long that took, or null if it outlived the deadline.</summary>
    public static async Task<TimeSpan?> WaitUntilGoneAsync(int processId, TimeSpan deadline)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < deadline)
        {
            if (!IsAlive(processId))
            {
                return watch.Elapsed;
            }

            await Task.Delay(25);
        }

        return null;
    }

    /// <summary>Ids of running processes whose command line mentions any of <paramref name="needles"/>.</summary>
    public static IReadOnlyList<int> WithCommandLineContaining(IEnumerable<string> needles)
    {
        var list = needles.ToList();
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (list.Any(n => commandLine.Contains(n, StringComparison.Ordinal)) && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
        }

        return found;
    }

    // An exited child its parent has not yet reaped still has a process-table entry; it runs no code.
    private static bool IsZombie(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state == "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
