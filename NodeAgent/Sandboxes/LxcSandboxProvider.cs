using System.Diagnostics;
using MeshRpc.NodeAgent.Configuration;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// One LXC application container per worker (<c>lxc-execute</c>), named <c>meshrpc-{workerId}</c>: its own PID, mount,
/// UTS and IPC namespaces, a read-only root, a private tmpfs as the only writable place, and memory, process and CPU
/// limits on whichever cgroup hierarchy this machine enforces.
/// </summary>
public sealed class LxcSandboxProvider : ISandboxProvider
{
    /// <summary>Every container this agent starts is named with this prefix, so a restarted agent can find leftovers.</summary>
    public const string NamePrefix = "meshrpc-";

    private readonly NodeAgentOptions _options;
    private readonly string _lxcPath;
    private readonly CgroupVersion _cgroups = CgroupLayout.Detect();

    /// <summary>Creates the provider.</summary>
    public LxcSandboxProvider(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _lxcPath = Directory.CreateDirectory(Path.Combine(options.WorkDirectory, "lxc")).FullName;
    }

    /// <inheritdoc />
    public string Name => "lxc";

    /// <inheritdoc />
    public string GemCacheMountPoint => "/tmp/gems";

    /// <summary>The cgroup hierarchy whose keys the containers use.</summary>
    public CgroupVersion Cgroups => _cgroups;

    /// <summary>Whether LXC application containers start on this machine (needs root and the lxc package).</summary>
    public static bool IsAvailable()
    {
        if (Environment.UserName != "root")
        {
            return false;
        }

        var probe = Directory.CreateTempSubdirectory("meshrpc-lxc-probe-").FullName;
        try
        {
            var config = Path.Combine(probe, "probe.conf");
            File.WriteAllText(config, "lxc.rootfs.path = dir:/\nlxc.rootfs.options = ro\nlxc.net.0.type = none\nlxc.apparmor.profile = unconfined\nlxc.mount.auto = proc:mixed sys:ro\n");
            return Probe.Succeeds("lxc-execute", "-P", probe, "-n", "meshrpc-probe-" + Environment.ProcessId, "-f", config, "--", "/bin/true");
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }

    /// <inheritdoc />
    public Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var config = Path.Combine(_lxcPath, spec.Name + ".conf");
        File.WriteAllText(config, LxcConfig.Build(spec, _cgroups, GemCacheMountPoint, HiddenDirectory()));
        ISandbox sandbox = ChildProcessSandbox.Start(
            spec.Name,
            ["lxc-execute", "-P", _lxcPath, "-n", spec.Name, "-f", config, "--", .. spec.HostCommand],
            destroy: _ => StopAsync(spec.Name),
            cleanUp: () => File.Delete(config));
        return Task.FromResult(sandbox);
    }

    /// <inheritdoc />
    public async Task<int> ReapOrphansAsync()
    {
        var reaped = 0;
        foreach (var name in await ListAsync())
        {
            await StopAsync(name);
            reaped++;
        }

        foreach (var config in Directory.EnumerateFiles(_lxcPath, NamePrefix + "*.conf"))
        {
            File.Delete(config);
        }

        return reaped;
    }

    /// <summary>Names of this agent's containers that LXC still knows.</summary>
    public async Task<IReadOnlyList<string>> ListAsync()
    {
        var output = await RunAsync("lxc-ls", "-P", _lxcPath, "-1");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(n => n.StartsWith(NamePrefix, StringComparison.Ordinal))];
    }

    private Task<string> StopAsync(string name) => RunAsync("lxc-stop", "-P", _lxcPath, "-n", name, "-k");

    // The agent's own directory (configs, other workers' state) stays out of sight unless it lies in /tmp,
    // which the container replaces with its own tmpfs anyway.
    private string? HiddenDirectory()
    {
        var work = Path.GetFullPath(_options.WorkDirectory);
        return work.StartsWith("/tmp/", StringComparison.Ordinal) ? null : work;
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
