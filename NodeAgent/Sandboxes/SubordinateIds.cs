using System.Globalization;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// The host uid and gid ranges that a worker container's ids map onto: root's subordinate ranges in
/// <c>/etc/subuid</c> and <c>/etc/subgid</c>. Root in a worker is the first id of the range on the node: an
/// unprivileged user that owns nothing there.
/// </summary>
/// <param name="UidStart">The host uid that the container's uid 0 maps to.</param>
/// <param name="GidStart">The host gid that the container's gid 0 maps to.</param>
public sealed record SubordinateIds(long UidStart, long GidStart)
{
    /// <summary>How many ids a container maps: all 16-bit ids, as LXC's unprivileged containers do.</summary>
    public const long Count = 65536;

    /// <summary>
    /// Root's ranges from the files, reserving them first where none of at least <see cref="Count"/> ids exists (as
    /// <c>usermod --add-subuids</c> would): LXC insists that root, too, maps only ids reserved for it.
    /// </summary>
    public static SubordinateIds Ensure(string subuid = "/etc/subuid", string subgid = "/etc/subgid") =>
        new(EnsureRange(subuid), EnsureRange(subgid));

    private static long EnsureRange(string file)
    {
        var entries = File.Exists(file) ? Parse(File.ReadAllLines(file)) : [];
        var owned = entries.FindIndex(e => e.Owner == "root" && e.Count >= Count);
        if (owned >= 0)
        {
            return entries[owned].Start;
        }

        // Above every range handed out, so no other user's ids are ever root's containers'.
        var start = Math.Max(100_000, entries.Select(e => e.Start + e.Count).DefaultIfEmpty(0).Max());
        start = (start + Count - 1) / Count * Count;
        File.AppendAllText(file, string.Create(CultureInfo.InvariantCulture, $"root:{start}:{Count}\n"));
        return start;
    }

    private static List<(string Owner, long Start, long Count)> Parse(IEnumerable<string> lines) =>
    [
        .. lines
            .Select(line => line.Split(':'))
            .Where(fields => fields.Length == 3
                && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(fields => (fields[0], long.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[2], CultureInfo.InvariantCulture))),
    ];
}
