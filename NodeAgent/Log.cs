namespace MeshRpc.NodeAgent;

/// <summary>Every log event of the node agent, with its id.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Node {NodeId} registered with UAH CORE at {Gateway} (sandbox: {Sandbox}, slots: {Slots}, agent: {AgentUrl}).")]
    public static partial void Registered(ILogger logger, string nodeId, Uri gateway, string sandbox, int slots, string agentUrl);

    [LoggerMessage(2, LogLevel.Warning, "UAH CORE at {Gateway} is unreachable; the node keeps its workers and retries: {Reason}")]
    public static partial void GatewayUnreachable(ILogger logger, Uri gateway, string reason);

    [LoggerMessage(3, LogLevel.Information, "Forged worker {WorkerId} ({Contract}) as pid {ProcessId} on {Endpoint}.")]
    public static partial void WorkerForged(ILogger logger, string workerId, string contract, int processId, string endpoint);

    [LoggerMessage(4, LogLevel.Information, "Worker {WorkerId} exited with code {ExitCode}: {Reason}.")]
    public static partial void WorkerExited(ILogger logger, string workerId, int exitCode, string reason);

    [LoggerMessage(13, LogLevel.Information, "Worker {WorkerId} reached the end of its lifetime ({EndsAt:O}); tearing it down.")]
    public static partial void LifetimeEnded(ILogger logger, string workerId, DateTimeOffset endsAt);

    [LoggerMessage(5, LogLevel.Information, "Worker {WorkerId} torn down.")]
    public static partial void WorkerDestroyed(ILogger logger, string workerId);

    [LoggerMessage(6, LogLevel.Warning, "Forging worker {WorkerId} failed: {Reason}")]
    public static partial void ForgeFailed(ILogger logger, string workerId, string reason);

    [LoggerMessage(16, LogLevel.Error, "The node agent failed at {Request} with a fault of its own; the gateway was told forge_failed.")]
    public static partial void Fault(ILogger logger, string request, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "The warm pool stopped refilling: {Reason}")]
    public static partial void WarmPoolFailed(ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Information, "Sandbox provider: {Sandbox}; reaped {Reaped} sandboxes left by an earlier run; workers trust the node's {Roots} root certificates.")]
    public static partial void SandboxReady(ILogger logger, string sandbox, int reaped, int roots);

    [LoggerMessage(10, LogLevel.Information, "Made {Directory} searchable by others (o+x, no listing or reading): unprivileged sandboxes reach the worker host and the gem cache through it.")]
    public static partial void TraversalGranted(ILogger logger, string directory);

    [LoggerMessage(11, LogLevel.Error, "UAH CORE at {Gateway} refused this node: {Reason} Give the agent the operator's join token in MESHRPC_JOIN_TOKEN (or --join-token).")]
    public static partial void JoinRefused(ILogger logger, Uri gateway, string reason);

    [LoggerMessage(12, LogLevel.Warning, "UAH CORE at {Gateway} refused this node's id, and the agent keeps trying: {Reason}")]
    public static partial void RegistrationConflict(ILogger logger, Uri gateway, string reason);

    [LoggerMessage(9, LogLevel.Debug, "A relayed connection to worker {WorkerId} closed.")]
    public static partial void RelayClosed(ILogger logger, string workerId);

    [LoggerMessage(14, LogLevel.Warning, "UAH CORE at {From} has not answered for {Beats} heartbeats: the node moves to {To} and registers there; its workers keep serving.")]
    public static partial void Rehoming(ILogger logger, Uri from, int beats, Uri to);

    [LoggerMessage(15, LogLevel.Information, "Compiled summoned source {SourceKey} ({Contract}) into gem {Digest} in {Milliseconds:0} ms with a {Compiler} compiler.")]
    public static partial void SourceCompiled(ILogger logger, string sourceKey, string contract, string digest, double milliseconds, string compiler);
}
