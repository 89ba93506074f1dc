namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>Starts worker hosts in some kind of isolation (LXC, bubblewrap, or a plain process).</summary>
public interface ISandboxProvider
{
    /// <summary>The provider's name as reported in registration and tickets: <c>lxc</c>, <c>bwrap</c> or <c>process</c>.</summary>
    string Name { get; }

    /// <summary>Starts the worker host for one worker; its standard input and output are the host's start-up channel.</summary>
    Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken);
}

/// <summary>What a sandbox runs.</summary>
/// <param name="WorkerId">The worker's id; sandboxes are named after it.</param>
/// <param name="GemDirectory">The unpacked gem, to be made visible read-only.</param>
/// <param name="HostCommand">The worker host's command line (program first).</param>
public sealed record SandboxSpec(string WorkerId, string GemDirectory, IReadOnlyList<string> HostCommand);

/// <summary>One running sandbox.</summary>
public interface ISandbox : IAsyncDisposable
{
    /// <summary>The worker id the sandbox runs.</summary>
    string WorkerId { get; }

    /// <summary>Writes to the worker host's standard input.</summary>
    StreamWriter Input { get; }

    /// <summary>Reads the worker host's standard output.</summary>
    StreamReader Output { get; }

    /// <summary>Completes with the exit code when the sandbox is gone.</summary>
    Task<int> Exited { get; }

    /// <summary>Kills everything in the sandbox and returns once it is gone.</summary>
    Task KillAsync();
}
