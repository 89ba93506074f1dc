using System.Globalization;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>How much memory the node has to give: the kernel's estimate of what new work can use without swapping.</summary>
public static class NodeMemory
{
    /// <summary><c>MemAvailable</c> from <c>/proc/meminfo</c> in bytes, or null where the kernel does not report it.</summary>
    public static long? AvailableBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                // "MemAvailable:   12345678 kB"
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                {
                    return kib * 1024;
                }
            }
        }
        catch (IOException)
        {
            // No /proc (not Linux): the pool then grows by demand and slots alone.
        }

        return null;
    }
}
