using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Registry;

/// <summary>
/// Where a gateway placed a worker, kept until a report of its node lists it or says it ended: a heartbeat listed before
/// the forge finished does not hold the worker yet, and must not make it vanish from the registry.
/// </summary>
/// <param name="NodeId">The node it went to.</param>
/// <param name="Worker">The worker as the forge reported it.</param>
/// <param name="Added">Its number in the agent's count of forged workers (0: the agent gave none).</param>
/// <param name="At">When it was placed.</param>
public sealed record Placement(string NodeId, WorkerReport Worker, long Added, DateTimeOffset At);

/// <summary>
/// A worker that left its node's list, remembered (with its node and owner) so its owner can still read its output, for
/// as long as its node keeps that output.
/// </summary>
/// <param name="NodeId">The node it ran on.</param>
/// <param name="Worker">The worker as last reported.</param>
/// <param name="At">When the registry saw it end.</param>
/// <param name="Until">When its node drops its output, and the registry forgets it.</param>
public sealed record EndedWorker(string NodeId, WorkerReport Worker, DateTimeOffset At, DateTimeOffset Until);
