using MeshRpc.NodeAgent.Configuration;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>The lightest provider: the worker host is a plain child process of the agent, with no isolation and no limits.</summary>
public sealed class ProcessSandboxProvider : ISandboxProvider
{
    private readonly string _pidFolder;
    private readonly PidFiles _pids;

    /// <summary>Creates the provider.</summary>
    public ProcessSandboxProvider(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        GemCacheMountPoint = options.GemCacheDirectory;
        _pidFolder = Path.Combine(options.WorkDirectory, "sandboxes", Name);
        _pids = new PidFiles(_pidFolder);
    }

    /// <inheritdoc />
    public string Name => "process";

    /// <inheritdoc />
    public bool ContainsWorkers => false;

    /// <inheritdoc />
    public string GemCacheMountPoint { get; }

    /// <inheritdoc />
    public Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sandbox = ChildProcessSandbox.Start(spec.Name, spec.HostCommand, spec.DataPlaneAddress, WorkerTrust.Environment(spec.TrustDirectory, egress: spec.Link is not null), cleanUp: () => _pids.Forget(spec.Name));
        _pids.Record(spec.Name, sandbox.RootProcessId);
        return Task.FromResult<ISandbox>(sandbox);
    }

    /// <inheritdoc />
    public string? ReadinessProblem() => ProviderReadiness.FolderProblem(_pidFolder);

    /// <inheritdoc />
    public Task<int> ReapOrphansAsync() => Task.FromResult(_pids.KillRecorded("MeshRpc.WorkerHost"));
}
