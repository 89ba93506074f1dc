namespace MeshRpc.Gateway;

/// <summary>
/// Every log event of the gateway, with its id. A summon's or teardown's lines carry its trace id (the logging scope
/// of the request's activity). No line holds a credential, a ticket or a worker key.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "The stored gem {File} is not served: {Reason} Publish it again.")]
    public static partial void GemNotServed(ILogger logger, string file, string reason);

    [LoggerMessage(2, LogLevel.Information, "Summoned worker {WorkerId} ({Contract}) for {Owner} on node {NodeId}: placed in {PlacementMs:0.###} ms, forged in {ForgeMs:0.#} ms.")]
    public static partial void Summoned(ILogger logger, string workerId, string contract, string owner, string nodeId, double placementMs, double forgeMs);

    [LoggerMessage(3, LogLevel.Warning, "A summon of {Contract} for {Owner} failed ({Code}): {Reason}")]
    public static partial void SummonFailed(ILogger logger, string contract, string owner, string code, string reason);

    [LoggerMessage(4, LogLevel.Information, "Worker {WorkerId} on node {NodeId} torn down for {Caller}.")]
    public static partial void TornDown(ILogger logger, string workerId, string nodeId, string caller);

    [LoggerMessage(5, LogLevel.Information, "Node {NodeId} registered: {Sandbox} sandbox, {Slots} slots, agent at {AgentUrl}.")]
    public static partial void NodeRegistered(ILogger logger, string nodeId, string sandbox, int slots, string agentUrl);

    [LoggerMessage(6, LogLevel.Information, "Node {NodeId} is live: its heartbeats arrive.")]
    public static partial void NodeLive(ILogger logger, string nodeId);

    [LoggerMessage(7, LogLevel.Warning, "The shared state (Redis) is out of reach for {What}: {Reason}")]
    public static partial void StateUnavailable(ILogger logger, string what, string reason);

    [LoggerMessage(8, LogLevel.Warning, "Node {NodeId} answered a source summon with a compiled gem the gateway does not keep: {Reason}")]
    public static partial void CompiledGemRefused(ILogger logger, string nodeId, string reason);

    [LoggerMessage(9, LogLevel.Information, "Kept gem {Digest}, which node {NodeId} compiled from summoned source ({Contract}): later summons of that source run it.")]
    public static partial void CompiledGemKept(ILogger logger, string digest, string nodeId, string contract);
}
