using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Api;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Registry;

namespace MeshRpc.Gateway.Placement;

/// <summary>
/// Phase 2 on the control plane: picks the node a summon runs on and reserves one of its slots, or says why no node
/// can take it. Only live nodes that meet the summon's constraints are ranked (by <see cref="IPlacementPolicy"/>).
/// </summary>
public sealed class PlacementService
{
    private readonly GatewayOptions _options;
    private readonly NodeRegistry _registry;
    private readonly IPlacementPolicy _policy;

    /// <summary>Creates the service.</summary>
    public PlacementService(GatewayOptions options, NodeRegistry registry, IPlacementPolicy policy)
    {
        _options = options;
        _registry = registry;
        _policy = policy;
    }

    /// <summary>
    /// Reserves a slot for the summon on <paramref name="pinnedNode"/>, or else on the best node for it other than those
    /// that said they were <paramref name="full"/>; throws <see cref="GatewayException"/> naming why none can take it.
    /// Release the slot through <see cref="NodeRegistry.ReleaseAsync"/> when the forge ends.
    /// </summary>
    public async Task<NodeState> ReserveAsync(SpawnEphemeralRequest request, string? gemDigest, string? pinnedNode = null, IReadOnlySet<string>? full = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (pinnedNode is not null)
        {
            var node = await _registry.FindAsync(pinnedNode) ?? throw new GatewayException(MeshErrorCodes.NodeNotFound,
                $"No node {pinnedNode} is registered. GET /api/v1/service_registry lists the nodes.");
            return !_registry.IsLive(node) ? throw NoNode($"Node {pinnedNode} is dead: it has not heartbeated in the last {_options.NodeDeadAfter.TotalSeconds:0.#} s.")
                : RefusesSource(node, request) is { } refusal ? throw new GatewayException(MeshErrorCodes.NotSupported, $"Node {pinnedNode} {refusal}.")
                : RefusesEgress(node, request) is { } noEgress ? throw new GatewayException(MeshErrorCodes.NotSupported, $"Node {pinnedNode} {noEgress}.", StatusCodes.Status400BadRequest)
                : await _registry.TryReserveAsync(pinnedNode) ? node
                : throw NoNode($"Node {pinnedNode} is full: all {node.Registration.Slots} worker slots are taken.");
        }

        var live = _registry.LiveNodes();
        if (live.Count == 0)
        {
            throw NoNode(_registry.Count == 0
                ? "No node agent is registered with UAH CORE. Start one with 'MeshRpc.NodeAgent --gateway <this gateway's address>'."
                : $"All {_registry.Count} registered nodes are dead: none has heartbeated in the last {_options.NodeDeadAfter.TotalSeconds:0.#} s. Restart their node agents.");
        }

        var eligible = live.Where(n => Unmet(n, request) is null).ToList();
        if (eligible.Count == 0)
        {
            throw NoNode($"No live node meets the summon's constraints: {string.Join("; ", live.OrderBy(n => n.Registration.NodeId, StringComparer.Ordinal).Select(n => $"{n.Registration.NodeId} {Unmet(n, request)}"))}.");
        }

        foreach (var node in _policy.Rank(eligible, gemDigest))
        {
            if (full?.Contains(node.Registration.NodeId) != true && await _registry.TryReserveAsync(node.Registration.NodeId))
            {
                return node;
            }
        }

        throw NoNode($"All {eligible.Count} live nodes that meet the summon's constraints are full. Tear down idle workers or add nodes.");
    }

    /// <summary>Why a node cannot take the summon, or null when it can.</summary>
    private static string? Unmet(NodeState node, SpawnEphemeralRequest request)
    {
        if ((RefusesSource(node, request) ?? RefusesEgress(node, request)) is { } refusal)
        {
            return refusal;
        }

        if (request.RequiredLabels is { Count: > 0 } required
            && required.Except(node.Registration.Labels, StringComparer.Ordinal).ToList() is { Count: > 0 } missing)
        {
            return $"lacks label(s) {string.Join(", ", missing)}";
        }

        return request.MemoryMb is { } memory && memory > node.Registration.WorkerMemoryMb
            ? $"gives workers {node.Registration.WorkerMemoryMb} MiB, less than the {memory} MiB asked for"
            : null;
    }

    /// <summary>Why a node will not run the summon's raw source, or null.</summary>
    private static string? RefusesSource(NodeState node, SpawnEphemeralRequest request) =>
        request.SourceCode is not null && !node.Registration.RunsSource
            ? $"runs workers in '{node.Registration.Sandbox}' sandboxes, which do not contain hostile code, and refuses raw source"
            : null;

    /// <summary>Why a node cannot give the summon's worker the egress it lists, or null.</summary>
    private static string? RefusesEgress(NodeState node, SpawnEphemeralRequest request) =>
        request.Egress is { Count: > 0 } && !node.Registration.Egress
            ? "gives workers no egress (its agent runs without --egress-subnet)"
            : null;

    private static GatewayException NoNode(string message) =>
        new(MeshErrorCodes.NoNodeAvailable, message);
}
