namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>Which cgroup hierarchy enforces limits here; LXC ignores the keys of the other one.</summary>
public enum CgroupVersion
{
    /// <summary>Legacy hierarchies per controller (<c>lxc.cgroup.*</c> keys).</summary>
    V1,

    /// <summary>The unified hierarchy (<c>lxc.cgroup2.*</c> keys).</summary>
    V2,
}

/// <summary>Detects the cgroup layout of this machine.</summary>
public static class CgroupLayout
{
    /// <summary>
    /// v1 when the memory and pids controllers are mounted as v1 hierarchies (even with a v2 tree beside them, as on
    /// these machines: there the v2 tree has no controllers); v2 otherwise.
    /// </summary>
    public static CgroupVersion Detect(string root = "/sys/fs/cgroup") =>
        File.Exists(Path.Combine(root, "memory", "memory.limit_in_bytes")) && Directory.Exists(Path.Combine(root, "pids"))
            ? CgroupVersion.V1
            : CgroupVersion.V2;
}
