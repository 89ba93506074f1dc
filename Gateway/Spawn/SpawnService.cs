using System.Diagnostics;
using System.Net.Http;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Api;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Gems;
using MeshRpc.Gateway.Placement;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Relay;
using MeshRpc.Gateway.Telemetry;
using Refit;

namespace MeshRpc.Gateway.Spawn;

/// <summary>Phases 1 to 3 on the control plane: validate a summon, place it (<see cref="PlacementService"/>), have the node forge it, issue the ticket.</summary>
public sealed class SpawnService
{
    private readonly GatewayOptions _options;
    private readonly GemStore _gems;
    private readonly CompiledSources _compiled;
    private readonly NodeRegistry _registry;
    private readonly PlacementService _placement;
    private readonly NodeAgentClients _agents;
    private readonly TicketIssuer _tickets;
    private readonly RecentSummons _recent;
    private readonly GatewayTelemetry _telemetry;
    private readonly ISummonLedger _ledger;
    private readonly ILogger<SpawnService> _logger;

    // Parsed once: the options hold the operator's text.
    private readonly IReadOnlyList<EgressDestination> _egressAllowed;

    /// <summary>Creates the service.</summary>
    public SpawnService(
        GatewayOptions options, GemStore gems, CompiledSources compiled, NodeRegistry registry, PlacementService placement, NodeAgentClients agents, TicketIssuer tickets, RecentSummons recent, GatewayTelemetry telemetry,
        ISummonLedger ledger, ILogger<SpawnService> logger)
    {
        _ledger = ledger;
        _options = options;
        _egressAllowed = options.EgressAllowed;
        _gems = gems;
        _compiled = compiled;
        _registry = registry;
        _placement = placement;
        _agents = agents;
        _tickets = tickets;
        _recent = recent;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>
    /// Summons a worker for <paramref name="owner"/>; throws <see cref="GatewayException"/> saying what is wrong and how
    /// to fix it. The ticket lists the relay under <paramref name="relayBase"/> when there is one. A summon with an
    /// <paramref name="idempotencyKey"/> that this caller sent before (to any gateway of the swarm) gets the earlier
    /// one's answer, or is finished on the node the earlier one chose: one key, one worker.
    /// </summary>
    public async Task<SpawnEphemeralResponse> SpawnAsync(
        SpawnEphemeralRequest request, string owner, Uri? relayBase, CancellationToken cancellationToken, string? pinnedNode = null, string? idempotencyKey = null)
    {
        var key = idempotencyKey is null ? null : owner + ":" + idempotencyKey;
        string? resumeOn = null;
        if (key is not null && await _ledger.BeginAsync(key) is { } earlier)
        {
            if (earlier.Response is { } answered)
            {
                return answered;
            }

            resumeOn = earlier.NodeId;
        }

        try
        {
            var spawned = await SummonAsync(request, owner, relayBase, pinnedNode, new Resumable(key, resumeOn), cancellationToken);
            if (key is not null)
            {
                await _ledger.CompleteAsync(key, spawned);
            }

            Log.Summoned(_logger, spawned.Ticket.WorkerId, request.Contract, owner, spawned.Ticket.NodeId, spawned.Timings.PlacementMs, spawned.Timings.ForgeMs);
            return spawned;
        }
        catch (GatewayException ex)
        {
            if (key is not null)
            {
                await _ledger.ForgetAsync(key);
            }

            Log.SummonFailed(_logger, request.Contract, owner, ex.Code, ex.Message);
            throw;
        }
    }

    // A summon's idempotency key (caller-scoped) and the node an earlier attempt under it went to, if any.
    private sealed record Resumable(string? Key, string? Node);

    private async Task<SpawnEphemeralResponse> SummonAsync(SpawnEphemeralRequest request, string owner, Uri? relayBase, string? pinnedNode, Resumable resumable, CancellationToken cancellationToken)
    {
        using var summon = GatewayTelemetry.Source.StartActivity("summon " + request.Contract, ActivityKind.Internal);
        summon?.SetTag("rpc.service", request.Contract);
        var started = Stopwatch.GetTimestamp();
        var gem = ResolveCode(request);
        var heartbeatTimeoutMs = request.HeartbeatTimeoutMs ?? _options.WorkerHeartbeatTimeoutMs;
        if (heartbeatTimeoutMs < _options.MinHeartbeatTimeoutMs)
        {
            throw Invalid($"heartbeatTimeoutMs is {heartbeatTimeoutMs}; it must be at least {_options.MinHeartbeatTimeoutMs}.");
        }

        var lifetime = LifetimeOf(request);
        var egress = EgressPolicy.Check(request.Egress, _egressAllowed);
        var forgeRequest = new ForgeRequest
        {
            Owner = owner,
            Contract = request.Contract,
            GemDigest = gem?.Digest,

            // Source some node compiled before runs as the gem it became; only source nobody has compiled goes to a node as source.
            SourceCode = gem is null ? request.SourceCode : null,
            ContractHash = request.ContractHash,
            HeartbeatTimeoutMs = heartbeatTimeoutMs,
            EndsAt = lifetime.EndsAt,
            IdleTimeoutMs = lifetime.IdleTimeoutMs,
            Egress = egress,
            IdempotencyKey = resumable.Key,
            TicketKey = _tickets.Keys.Keys[0],
        };

        // A node may be fuller than this gateway's view of it (another gateway placed workers there since its last
        // heartbeat); it then refuses the forge, and the summon goes to the next node that can take it.
        var full = new HashSet<string>(StringComparer.Ordinal);
        var resumeOn = resumable.Node;
        while (true)
        {
            NodeState node;
            var reserved = resumeOn is null;
            using (GatewayTelemetry.StartPhase("placement"))
            {
                // An earlier attempt under the same key chose a node: the forge goes there again, without a slot of its
                // own, and that node answers with the worker it forged then, or forges it now.
                node = resumeOn is null
                    ? await _placement.ReserveAsync(request, gem?.Digest, pinnedNode, full)
                    : await _registry.FindAsync(resumeOn) ?? throw new GatewayException(MeshErrorCodes.NoNodeAvailable,
                        $"This summon was retried, and node {resumeOn}, where it began, is gone. Summon again without the idempotency key.");
            }

            if (resumable.Key is not null && reserved && await _ledger.ClaimNodeAsync(resumable.Key, node.Registration.NodeId) is var claimed && claimed != node.Registration.NodeId)
            {
                // Another attempt under the same key, at once, chose first.
                await _registry.ReleaseAsync(node.Registration.NodeId, null);
                resumeOn = claimed;
                continue;
            }

            summon?.SetTag("meshrpc.node.id", node.Registration.NodeId);
            var placed = Stopwatch.GetTimestamp();
            _telemetry.PhaseEnded("placement", node.Registration.Sandbox, Stopwatch.GetElapsedTime(started, placed));
            ForgeResponse? forged = null;
            using var forge = GatewayTelemetry.StartPhase("forge");
            try
            {
                forged = await ForgeAsync(node, forgeRequest, cancellationToken);
            }
            catch (GatewayException ex) when (ex.Code == MeshErrorCodes.NoNodeAvailable && pinnedNode is null && resumable.Key is null)
            {
                full.Add(node.Registration.NodeId);
                continue;
            }
            finally
            {
                await _registry.ReleaseAsync(node.Registration.NodeId, forged is null
                    ? null
                    : new WorkerReport(forged.WorkerId, request.Contract, forged.Endpoint, forged.ProcessId, DateTimeOffset.UtcNow) { Owner = owner }, forged?.Added ?? 0, forged?.WarmHosts, reserved);
            }

            forge?.Dispose();
            _telemetry.PhaseEnded("forge", node.Registration.Sandbox, Stopwatch.GetElapsedTime(placed));
            if (forged.CompiledGem is { } compiledGem && node.Registration.Toolchain is { } toolchain)
            {
                // The mesh's cache, not this caller's: kept even if the caller stops waiting now.
                await _compiled.RecordAsync(request, toolchain, node.Registration.NodeId, compiledGem, CancellationToken.None);
            }

            return Ticketed(request, owner, relayBase, node, forged, heartbeatTimeoutMs, lifetime, summon, Stopwatch.GetElapsedTime(started, placed), Stopwatch.GetElapsedTime(placed));
        }
    }

    private SpawnEphemeralResponse Ticketed(
        SpawnEphemeralRequest request, string owner, Uri? relayBase, NodeState node, ForgeResponse forged, int heartbeatTimeoutMs, TicketLifetime lifetime, Activity? summon,
        TimeSpan placement, TimeSpan forging)
    {
        summon?.SetTag("meshrpc.worker.id", forged.WorkerId);
        var relay = relayBase is null ? null : RelayAddress.For(relayBase, node.Registration.NodeId, forged.WorkerId);
        CapabilityTicket ticket;
        using (GatewayTelemetry.StartPhase("ticket"))
        {
            ticket = _tickets.Issue(forged, node.Registration.NodeId, relay, request.Contract, request.ContractHash, heartbeatTimeoutMs) with { Lifetime = lifetime };
        }

        var timings = new SpawnTimings(placement.TotalMilliseconds, forging.TotalMilliseconds);
        _recent.Add(new RecentSummon(forged.WorkerId, owner, request.Contract, node.Registration.NodeId, DateTimeOffset.UtcNow, timings.PlacementMs, timings.ForgeMs));
        return new SpawnEphemeralResponse(ticket, timings);
    }

    /// <summary>When the worker ends, within the gateway's cap, and its idle timeout; refuses what is not a duration.</summary>
    private TicketLifetime LifetimeOf(SpawnEphemeralRequest request)
    {
        if (request.MaxLifetimeMs is <= 0 || request.IdleTimeoutMs is <= 0)
        {
            throw Invalid($"maxLifetimeMs and idleTimeoutMs, when given, are positive milliseconds (this summon asks {request.MaxLifetimeMs} and {request.IdleTimeoutMs}).");
        }

        return new TicketLifetime(EndOfLifetime(request.MaxLifetimeMs), request.IdleTimeoutMs);
    }

    /// <summary>When a worker given <paramref name="lifetimeMs"/> from now ends: never later than the gateway's cap allows.</summary>
    public DateTimeOffset EndOfLifetime(long? lifetimeMs) =>
        DateTimeOffset.UtcNow.AddMilliseconds(Math.Min(lifetimeMs ?? _options.MaxWorkerLifetimeMs, _options.MaxWorkerLifetimeMs));

    /// <summary>The gem to run: the one named, or the one summoned source was compiled into; null for source nobody has compiled yet.</summary>
    private StoredGem? ResolveCode(SpawnEphemeralRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Contract) || string.IsNullOrWhiteSpace(request.ContractHash))
        {
            throw Invalid("contract and contractHash are required; the MeshRpc client fills them from the generated contract.");
        }

        if (SummonRules.TargetProblem(request.Gem is not null, request.SourceCode is not null) is { } problem)
        {
            throw Invalid(problem);
        }

        if (request.SourceCode is { } source)
        {
            return source.Length <= _options.MaxSourceChars
                ? _compiled.Find(request, _registry.LiveNodes().Select(n => n.Registration.Toolchain).OfType<string>().Distinct(StringComparer.Ordinal))
                : throw Invalid($"The source code is {source.Length} characters; a summon accepts at most {_options.MaxSourceChars}. Publish large workers as gems.");
        }

        // TargetProblem above: a summon without source names a gem.
        if (!GemPointer.TryParse(request.Gem!, out var pointer))
        {
            throw Invalid($"'{request.Gem}' is not a gem pointer. Use gem://name@version or sha256:<64 hex digits>.");
        }

        // Gems compiled from source are summoned by their source alone.
        var gem = _gems.Resolve(pointer) is { Manifest.FromSource: false } published ? published : throw new GatewayException(MeshErrorCodes.GemNotFound,
            $"No gem {pointer} is published in UAH CORE's gem store. Publish it first (POST /api/v2/gems) or check the name, version or digest.");
        if (gem.Manifest.Contract != request.Contract)
        {
            throw new GatewayException(MeshErrorCodes.ContractMismatch,
                $"Gem {pointer} serves contract {gem.Manifest.Contract}, but the caller asked for {request.Contract}. Summon it with the matching interface.");
        }

        if (gem.Manifest.ContractHash != request.ContractHash)
        {
            throw new GatewayException(MeshErrorCodes.ContractMismatch,
                $"Gem {pointer} was built from contract {request.Contract} with hash {gem.Manifest.ContractHash}, but the caller's contract hashes to {request.ContractHash}. " +
                "Rebuild the caller and the gem from the same contract.");
        }

        return gem;
    }

    private async Task<ForgeResponse> ForgeAsync(NodeState node, ForgeRequest request, CancellationToken cancellationToken)
    {
        var nodeId = node.Registration.NodeId;
        try
        {
            return await _agents.For(node.Registration).ForgeAsync(request, cancellationToken);
        }
        catch (ApiException ex)
        {
            var error = MeshError.Parse(ex.Content);
            throw new GatewayException(
                error?.Code ?? MeshErrorCodes.ForgeFailed,
                $"Node {nodeId} could not forge the worker: {error?.Detail ?? $"HTTP {(int)ex.StatusCode}"}",
                (int)ex.StatusCode is >= 400 and < 500 ? (int)ex.StatusCode : StatusCodes.Status502BadGateway,
                ex,
                error?.Diagnostics);
        }
        catch (Exception ex) when (ex is ApiRequestException or HttpRequestException)
        {
            // Refit's ApiRequestException: the request never got an answer (connection refused, reset, timed out).
            throw new GatewayException(MeshErrorCodes.ForgeFailed,
                $"Node {nodeId} at {node.Registration.AgentUrl} is unreachable: {ex.Message}", innerException: ex);
        }
    }

    private static GatewayException Invalid(string message) =>
        new(MeshErrorCodes.InvalidRequest, message);

}
