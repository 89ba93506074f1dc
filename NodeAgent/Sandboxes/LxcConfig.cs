using System.Globalization;
using System.Text;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>Writes the LXC configuration of one worker's application container.</summary>
public static class LxcConfig
{
    /// <summary>The container's configuration text.</summary>
    /// <param name="spec">What runs and its limits.</param>
    /// <param name="cgroups">Which cgroup keys take effect on this machine.</param>
    /// <param name="gemMountPoint">Where the gem cache appears inside (under the scratch tmpfs).</param>
    /// <param name="hiddenDirectory">A host directory to cover with an empty tmpfs (the agent's own files).</param>
    public static string Build(SandboxSpec spec, CgroupVersion cgroups, string gemMountPoint, string? hiddenDirectory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var limits = spec.Limits;
        var cpuPeriod = 100_000;
        var cpuQuota = (long)Math.Max(1_000, limits.Cpus * cpuPeriod);
        var text = new StringBuilder();
        void Key(string key, object value) => text.Append(key).Append(" = ").Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');

        Key("lxc.uts.name", spec.Name);

        // The host's root, read-only: the worker host and the .NET runtime come from the node as they are.
        Key("lxc.rootfs.path", "dir:/");
        Key("lxc.rootfs.options", "ro");

        // Share the node's network, so the worker listens on the node's data-plane address.
        Key("lxc.net.0.type", "none");
        Key("lxc.mount.auto", "proc:mixed sys:ro");
        Key("lxc.apparmor.profile", "unconfined");

        // The only writable place: a private tmpfs, gone with the container.
        Key("lxc.mount.entry", $"tmpfs tmp tmpfs rw,nosuid,nodev,size={limits.ScratchBytes},mode=1777 0 0");
        Key("lxc.mount.entry", $"{spec.HostDirectory} {spec.HostDirectory.TrimStart('/')} none bind,ro,create=dir 0 0");
        Key("lxc.mount.entry", $"{spec.GemCacheDirectory} {gemMountPoint.TrimStart('/')} none bind,ro,create=dir 0 0");
        Key("lxc.mount.entry", $"{spec.TrustDirectory} {WorkerTrust.MountPoint.TrimStart('/')} none bind,ro,create=dir 0 0");
        if (hiddenDirectory is not null)
        {
            Key("lxc.mount.entry", $"tmpfs {hiddenDirectory.TrimStart('/')} tmpfs ro,size=4k,optional,create=dir 0 0");
        }

        Key("lxc.environment", "HOME=/tmp");
        Key("lxc.environment", "TMPDIR=/tmp");
        Key("lxc.environment", "DOTNET_CLI_TELEMETRY_OPTOUT=1");
        foreach (var (name, value) in WorkerTrust.Environment(WorkerTrust.MountPoint))
        {
            Key("lxc.environment", $"{name}={value}");
        }

        if (cgroups == CgroupVersion.V1)
        {
            Key("lxc.cgroup.memory.limit_in_bytes", limits.MemoryBytes);
            Key("lxc.cgroup.pids.max", limits.MaxProcesses);
            Key("lxc.cgroup.cpu.cfs_period_us", cpuPeriod);
            Key("lxc.cgroup.cpu.cfs_quota_us", cpuQuota);
        }
        else
        {
            Key("lxc.cgroup2.memory.max", limits.MemoryBytes);
            Key("lxc.cgroup2.pids.max", limits.MaxProcesses);
            Key("lxc.cgroup2.cpu.max", $"{cpuQuota} {cpuPeriod}");
        }

        return text.ToString();
    }
}
