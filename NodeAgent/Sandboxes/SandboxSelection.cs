using MeshRpc.NodeAgent.Configuration;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>Picks the sandbox provider: the configured one, or the strongest that works here (LXC, then bubblewrap, then a plain process).</summary>
public static class SandboxSelection
{
    /// <summary>Creates the provider <paramref name="options"/> asks for; throws when a named provider cannot run here.</summary>
    public static ISandboxProvider Create(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Sandbox switch
        {
            "lxc" => LxcSandboxProvider.IsAvailable() ? new LxcSandboxProvider(options) : throw Unavailable("lxc", "install the lxc package and run the agent as root"),
            "bwrap" => BwrapSandboxProvider.IsAvailable() ? new BwrapSandboxProvider(options) : throw Unavailable("bwrap", "install the bubblewrap package"),
            "process" => new ProcessSandboxProvider(options),
            "auto" => LxcSandboxProvider.IsAvailable() ? new LxcSandboxProvider(options)
                : BwrapSandboxProvider.IsAvailable() ? new BwrapSandboxProvider(options)
                : new ProcessSandboxProvider(options),
            var other => throw new AgentStartupException($"Unknown sandbox '{other}'. Use --sandbox lxc, bwrap, process or auto."),
        };
    }

    private static AgentStartupException Unavailable(string name, string fix) =>
        new($"The {name} sandbox was requested but does not work on this machine: {fix}, or choose another with --sandbox.");
}
