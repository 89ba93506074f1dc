using System.Globalization;
using System.Text;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>What this machine offers LXC containers: the facts their configuration depends on.</summary>
/// <param name="Cgroups">Which cgroup keys take effect.</param>
/// <param name="Ids">The host id ranges containers map onto.</param>
/// <param name="SeccompProfile">The seccomp profile file every worker runs under.</param>
/// <param name="AppArmor">Whether the kernel runs AppArmor, so that LXC can confine the container with its generated profile.</param>
public sealed record LxcHost(CgroupVersion Cgroups, SubordinateIds Ids, string SeccompProfile, bool AppArmor)
{
    /// <summary>The seccomp profile shipped beside the agent.</summary>
    public static string DefaultSeccompProfile { get; } = Path.Combine(AppContext.BaseDirectory, "worker.seccomp");

    /// <summary>Detects this machine's facts, reserving subordinate ids for root where none are.</summary>
    public static LxcHost Detect() => new(
        CgroupLayout.Detect(),
        SubordinateIds.Ensure(),
        DefaultSeccompProfile,
        File.Exists("/sys/module/apparmor/parameters/enabled") && File.ReadAllText("/sys/module/apparmor/parameters/enabled").StartsWith('Y'));
}

/// <summary>
/// Writes the LXC configuration of one worker's application container: unprivileged (its root is a subordinate,
/// unprivileged uid on the node), no capabilities, <c>no_new_privs</c>, a seccomp filter, a read-only root, and a
/// network namespace with nothing but its own loopback (and its worker link, when it has egress).
/// </summary>
public static class LxcConfig
{
    /// <summary>The container's configuration text.</summary>
    /// <param name="spec">What runs and its limits.</param>
    /// <param name="host">What this machine offers containers.</param>
    /// <param name="root">The container's root: an empty skeleton (see <see cref="PrepareRoot"/>).</param>
    /// <param name="gemMountPoint">Where the gem cache appears inside (under the scratch tmpfs).</param>
    public static string Build(SandboxSpec spec, LxcHost host, string root, string gemMountPoint)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(host);
        var limits = spec.Limits;
        var cpuPeriod = 100_000;
        var cpuQuota = (long)Math.Max(1_000, limits.Cpus * cpuPeriod);
        var text = new StringBuilder();
        void Key(string key, object value) => text.Append(key).Append(" = ").Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');

        Key("lxc.uts.name", spec.Name);

        // A root of its own, read-only, showing only what WorkerRoot shares of the node; the worker host and the
        // .NET runtime come from the node as they are.
        Key("lxc.rootfs.path", "dir:" + root);
        Key("lxc.rootfs.options", "ro");
        Key("lxc.autodev", 1);

        // A network namespace of its own with only loopback: the worker reaches no address outside it. Callers reach
        // it through the data-plane socket the agent opened on the node's address and handed down. A worker with
        // egress also gets its link's end, through which the node's firewall passes what its summon listed.
        if (spec.Link is { } link)
        {
            Key("lxc.net.0.type", "phys");
            Key("lxc.net.0.link", link.WorkerInterface);
            Key("lxc.net.0.name", "eth0");
            Key("lxc.net.0.ipv4.address", link.WorkerCidr);
            Key("lxc.net.0.ipv4.gateway", link.HostAddress);
        }
        else
        {
            Key("lxc.net.0.type", "empty");
        }

        Key("lxc.net.0.flags", "up");
        Key("lxc.mount.auto", "proc:mixed sys:ro");

        // Root inside is the first subordinate id on the node, and holds no capability even inside.
        Key("lxc.idmap", $"u 0 {host.Ids.UidStart} {SubordinateIds.Count}");
        Key("lxc.idmap", $"g 0 {host.Ids.GidStart} {SubordinateIds.Count}");
        Key("lxc.cap.keep", "none");
        Key("lxc.no_new_privs", 1);
        Key("lxc.seccomp.profile", host.SeccompProfile);
        if (host.AppArmor)
        {
            Key("lxc.apparmor.profile", "generated");
        }

        foreach (var folder in WorkerRoot.SharedFolders)
        {
            Key("lxc.mount.entry", $"{folder} {folder.TrimStart('/')} none bind,ro 0 0");
        }

        // The only writable place: a private tmpfs, gone with the container.
        Key("lxc.mount.entry", $"tmpfs tmp tmpfs rw,nosuid,nodev,size={limits.ScratchBytes},mode=1777 0 0");
        // The worker host's folder may lie under /tmp (a build in a temporary clone), inside the tmpfs just mounted.
        Key("lxc.mount.entry", $"{spec.HostDirectory} {spec.HostDirectory.TrimStart('/')} none bind,ro,create=dir 0 0");
        Key("lxc.mount.entry", $"{spec.GemCacheDirectory} {gemMountPoint.TrimStart('/')} none bind,ro,create=dir 0 0");
        Key("lxc.mount.entry", $"{spec.TrustDirectory} {WorkerTrust.MountPoint.TrimStart('/')} none bind,ro,create=dir 0 0");

        Key("lxc.environment", "HOME=/tmp");
        Key("lxc.environment", "TMPDIR=/tmp");
        Key("lxc.environment", "DOTNET_CLI_TELEMETRY_OPTOUT=1");
        foreach (var (name, value) in WorkerTrust.Environment(WorkerTrust.MountPoint, egress: spec.Link is not null))
        {
            Key("lxc.environment", $"{name}={value}");
        }

        if (host.Cgroups == CgroupVersion.V1)
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

    /// <summary>
    /// Makes <paramref name="root"/> the skeleton every container's read-only root is: the mount points of the folders
    /// shown (the node's shared folders and <paramref name="hostDirectory"/>), <c>/proc</c>, <c>/sys</c>, <c>/dev</c>,
    /// <c>/tmp</c>, and the node's top-level links. Containers cannot create anything in it themselves.
    /// </summary>
    public static void PrepareRoot(string root, string hostDirectory)
    {
        foreach (var folder in (string[])[.. WorkerRoot.SharedFolders, hostDirectory, "/proc", "/sys", "/dev", "/tmp"])
        {
            Directory.CreateDirectory(root + folder);
        }

        foreach (var (path, target) in WorkerRoot.Links)
        {
            if (!Path.Exists(root + path))
            {
                File.CreateSymbolicLink(root + path, target);
            }
        }
    }
}
