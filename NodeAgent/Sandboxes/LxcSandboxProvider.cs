using System.Diagnostics;
using MeshRpc.NodeAgent.Configuration;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// One LXC application container per worker (<c>lxc-execute</c>), named <c>meshrpc-{workerId}</c>: unprivileged, in its
/// own user, PID, mount, network, UTS and IPC namespaces (see <see cref="LxcConfig"/>), a read-only root, a private tmpfs
/// as the only writable place, and memory, process and CPU limits on whichever cgroup hierarchy this machine enforces.
/// </summary>
public sealed class LxcSandboxProvider : ISandboxProvider
{
    /// <summary>Every container this agent starts is named with this prefix, so a restarted agent can find leftovers.</summary>
    public const string NamePrefix = "meshrpc-";

    private readonly string _lxcPath;
    private readonly string _root;
    private readonly LxcHost _host = LxcHost.Detect();

    /// <summary>Creates the provider.</summary>
    public LxcSandboxProvider(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _lxcPath = Directory.CreateDirectory(Path.Combine(options.WorkDirectory, "lxc")).FullName;
        _root = Path.Combine(options.WorkDirectory, "root");
    }

    /// <inheritdoc />
    public string Name => "lxc";

    /// <inheritdoc />
    public bool ContainsWorkers => true;

    /// <inheritdoc />
    public string GemCacheMountPoint => "/tmp/gems";

    /// <summary>The cgroup hierarchy whose keys the containers use.</summary>
    public CgroupVersion Cgroups => _host.Cgroups;

    /// <summary>Whether contained LXC application containers, as workers get them, start on this machine (needs root and the lxc package).</summary>
    public static bool IsAvailable()
    {
        if (Environment.UserName != "root")
        {
            return false;
        }

        var probe = Directory.CreateTempSubdirectory("meshrpc-lxc-probe-").FullName;
        try
        {
            Traversal.Grant(probe);
            var config = Path.Combine(probe, "probe.conf");
            var name = NamePrefix + "probe-" + Environment.ProcessId;
            var root = Path.Combine(probe, "root");
            var spec = new SandboxSpec(name, ["/bin/true"], "/usr/bin", probe, probe, new SandboxLimits(64L << 20, 16, 1, 1 << 20), "127.0.0.1");
            LxcConfig.PrepareRoot(root, spec.HostDirectory);
            File.WriteAllText(config, LxcConfig.Build(spec, LxcHost.Detect(), root, "/tmp/gems"));
            return Probe.Succeeds("lxc-execute", "-P", probe, "-n", name, "-f", config, "--", "/bin/true");
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
        LxcConfig.PrepareRoot(_root, spec.HostDirectory);
        File.WriteAllText(config, LxcConfig.Build(spec, _host, _root, GemCacheMountPoint));
        ISandbox sandbox = ChildProcessSandbox.Start(
            spec.Name,
            ["lxc-execute", "-P", _lxcPath, "-n", spec.Name, "-f", config, "--", .. spec.HostCommand],
            spec.DataPlaneAddress,
            destroy: _ => StopAsync(spec.Name),
            cleanUp: () => File.Delete(config));
        return Task.FromResult(sandbox);
    }

    /// <inheritdoc />
    public string? ReadinessProblem() => ProviderReadiness.ToolProblem("lxc-execute") ?? ProviderReadiness.FolderProblem(_lxcPath);

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

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = DataPlaneHandoff.StartPlain(start);
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
