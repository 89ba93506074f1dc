using System.Globalization;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>How busy the node's processors are, from the kernel's counters in <c>/proc/stat</c>.</summary>
public static class NodeCpu
{
    /// <summary>
    /// The share of processor time, across all cores, spent on anything but idling over the next
    /// <paramref name="sample"/>; null where the kernel does not report it.
    /// </summary>
    public static async Task<double?> BusyFractionAsync(TimeSpan sample, CancellationToken cancellationToken)
    {
        if (Read() is not { } before)
        {
            return null;
        }

        await Task.Delay(sample, cancellationToken);
        if (Read() is not { } after || after.Total <= before.Total)
        {
            return null;
        }

        return 1 - ((double)(after.Idle - before.Idle) / (after.Total - before.Total));
    }

    // The first line of /proc/stat: "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in ticks.
    private static (long Idle, long Total)? Read()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is not { Length: > 5 } || fields[0] != "cpu")
            {
                return null;
            }

            // Guest time is already counted in user time.
            var ticks = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return (ticks[3] + ticks[4], ticks.Sum());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
