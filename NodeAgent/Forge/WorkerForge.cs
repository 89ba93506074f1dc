using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using MeshRpc.HostProtocol;
using MeshRpc.ControlPlane;
using MeshRpc.Hosting;
using MeshRpc.NodeAgent.Compile;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Egress;
using MeshRpc.NodeAgent.Registration;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.NodeAgent.Telemetry;
using MeshRpc.NodeAgent.Workers;
using MeshRpc.Tls;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>Phase 2 on the node: take a pooled sandbox or start one, inject the code and the worker's key, wait for its port.</summary>
public sealed class WorkerForge : IDisposable
{
    private readonly NodeAgentOptions _options;
    private readonly GemCache _gems;
    private readonly ISandboxProvider _sandboxes;
    private readonly WorkerTable _workers;
    private readonly WarmPool _pool;
    private readonly GatewayTrust _trust;
    private readonly EgressNetwork _egress;
    private readonly ILogger<WorkerForge> _logger;
    private readonly AgentTelemetry _telemetry;
    private readonly WorkerTelemetryReports _workerReports;
    private readonly SlotAdmission _admission;
    private readonly ColdStartGate _coldStarts;
    private readonly IdempotentForges _idempotent;
    private readonly SourceCompilation _compilation;

    /// <summary>Creates the forge.</summary>
    public WorkerForge(
        NodeAgentOptions options, GemCache gems, ISandboxProvider sandboxes, WorkerTable workers, WarmPool pool, GatewayTrust trust, EgressNetwork egress, ILogger<WorkerForge> logger,
        AgentTelemetry telemetry, WorkerTelemetryReports workerReports, SourceCompilation compilation)
    {
        _compilation = compilation;
        _options = options;
        _gems = gems;
        _sandboxes = sandboxes;
        _workers = workers;
        _pool = pool;
        _trust = trust;
        _egress = egress;
        _logger = logger;
        _telemetry = telemetry;
        _workerReports = workerReports;
        _admission = new SlotAdmission(options.Slots, () => workers.Count);
        _coldStarts = new ColdStartGate(options.NodeId, options.MaxColdStarts, options.ColdStartPatience);
        _idempotent = new IdempotentForges(TimeProvider.System);
    }

    /// <summary>Forges one worker; throws <see cref="ForgeException"/> with a code and a reason when it cannot.</summary>
    public async Task<ForgeResponse> ForgeAsync(ForgeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.IdempotencyKey is { } key
            ? await _idempotent.RunAsync(request.Owner + "|" + key, () => AdmitAsync(request, cancellationToken), cancellationToken)
            : await AdmitAsync(request, cancellationToken);
    }

    private async Task<ForgeResponse> AdmitAsync(ForgeRequest request, CancellationToken cancellationToken)
    {
        if (!_admission.TryEnter())
        {
            throw new ForgeException(MeshErrorCodes.NoNodeAvailable, $"Node {_options.NodeId} is full: all {_options.Slots} worker slots are taken.");
        }

        try
        {
            return await ForgeAdmittedAsync(request, cancellationToken);
        }
        finally
        {
            _admission.Exit();
        }
    }

    private async Task<ForgeResponse> ForgeAdmittedAsync(ForgeRequest request, CancellationToken cancellationToken)
    {
        var trust = await _trust.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken) ?? throw new ForgeException(MeshErrorCodes.ForgeFailed,
            $"Node {_options.NodeId} has not learned the gateway's ticket key: it could not register with UAH CORE in the last 5 s. Check that the agent reaches the gateway, then try again.");
        using var forge = AgentTelemetry.Source.StartActivity("forge", System.Diagnostics.ActivityKind.Internal);
        forge?.SetTag("meshrpc.node.id", _options.NodeId);
        forge?.SetTag("meshrpc.sandbox", _sandboxes.Name);
        var phaseStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        Injection injection;
        using (AgentTelemetry.StartPhase(request.SourceCode is null ? "gem" : "source"))
        {
            injection = await InjectionOfAsync(request, cancellationToken);
        }

        var code = injection.Config;

        _telemetry.PhaseEnded(request.SourceCode is null ? "gem" : "source", _sandboxes.Name, phaseStarted);
        var workerKey = RandomNumberGenerator.GetBytes(32);

        // A pooled sandbox already runs a waiting worker host under the id it was made with; a cold one gets its id now.
        // A pooled .NET host beats any cold start, so a gem's native host only replaces the cold .NET one.
        var egress = EgressOf(request);
        phaseStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        ISandbox? sandbox;
        IDisposable? coldStart = null;
        using (var start = AgentTelemetry.StartPhase("sandbox"))
        {
            sandbox = egress.Count == 0 ? _pool.TryTake(new PoolGem(injection.GemDigest, code.Gem), justMade: injection.CompiledGem is not null) : null;
            start?.SetTag("meshrpc.warm_pool.hit", sandbox is not null);
            _telemetry.PoolTaken(hit: sandbox is not null, _sandboxes.Name);
            if (sandbox is null)
            {
                // The turn lasts until the host reports its port (below): its start is the CPU work turns share out.
                coldStart = await _coldStarts.EnterAsync(cancellationToken);
                var hostCommand = injection.NativeHost is { } nativeHost ? WorkerHostCommand.Native(nativeHost, _options.DataPlaneTls) : WorkerHostCommand.Create(_options.DataPlaneTls);
                var spec = new SandboxSpec(
                    WorkerIds.SandboxName(WorkerIds.New()), hostCommand, WorkerHostCommand.HostDirectory, _options.GemCacheDirectory, _options.TrustDirectory, _options.Limits, _options.DataPlaneAddress);
                try
                {
                    sandbox = egress.Count > 0 ? await StartLinkedAsync(spec, egress, cancellationToken) : await _sandboxes.StartAsync(spec, cancellationToken);
                }
                catch
                {
                    coldStart.Dispose();
                    throw;
                }
            }
        }

        _telemetry.PhaseEnded("sandbox", _sandboxes.Name, phaseStarted);
        var workerId = WorkerIds.Of(sandbox);
        forge?.SetTag("meshrpc.worker.id", workerId);
        var ticketKey = request.TicketKey ?? new TicketKey(trust.TicketKeyId, trust.TicketPublicKey);
        code = code with { WorkerId = workerId, TicketKeyId = ticketKey.KeyId, TicketPublicKey = ticketKey.PublicKey };
        var spool = new OutputSpool((long)_options.SpoolKilobytes << 10);
        _ = spool.CaptureAsync(sandbox.Errors, OutputSpool.StandardError, _workerReports.DivertFor(workerId, request.Contract, _options.NodeId));
        try
        {
            phaseStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            WorkerHostStatus status;
            using (AgentTelemetry.StartPhase("host"))
            using (coldStart)
            {
                status = await StartHostAsync(sandbox, code, workerKey, cancellationToken);
            }

            _telemetry.PhaseEnded("host", _sandboxes.Name, phaseStarted);

            // Past its status line, the host's standard output is the worker's own.
            _ = spool.CaptureAsync(sandbox.Output, OutputSpool.StandardOutput);
            var endpoint = PinnedEndpoint.Direct(_options.DataPlaneAddress, sandbox.DataPlanePort, status.CertificateSha256);
            var hostPid = sandbox.HostProcessIdOf(status.ProcessId);
            var report = new WorkerReport(workerId, request.Contract, endpoint, hostPid, DateTimeOffset.UtcNow) { Owner = request.Owner };
            var added = _workers.Add(new RunningWorker(report, sandbox, spool) { EndsAt = request.EndsAt });
            Log.WorkerForged(_logger, workerId, request.Contract, hostPid, endpoint);
            return new ForgeResponse
            {
                WorkerId = workerId,
                Endpoint = endpoint,
                WorkerKey = Convert.ToBase64String(workerKey),
                ProcessId = hostPid,
                Sandbox = _sandboxes.Name,
                CertificateSha256 = status.CertificateSha256,
                WarmHosts = _pool.Report(),
                Added = added,
                TicketKeyId = ticketKey.KeyId,
                CompiledGem = injection.CompiledGem is { } compiled ? Convert.ToBase64String(compiled) : null,
            };
        }
        catch (Exception ex)
        {
            // Whatever went wrong, no sandbox outlives a failed summon.
            await sandbox.DisposeAsync();
            Log.ForgeFailed(_logger, workerId, ex.Message);
            throw;
        }
    }

    /// <summary>The summon's egress destinations, which only a node with egress on can enforce (the agent starts with egress only on sandboxes that contain workers).</summary>
    private List<EgressDestination> EgressOf(ForgeRequest request)
    {
        if (request.Egress.Count == 0)
        {
            return [];
        }

        if (!_egress.Enabled)
        {
            throw new ForgeException(MeshErrorCodes.NotSupported,
                $"Node {_options.NodeId} gives workers no egress: its agent runs without --egress-subnet. Summon without egress destinations, or place the worker on a node that offers them.");
        }

        return [.. request.Egress.Select(text => EgressDestination.TryParse(text, out var destination, out var problem)
            ? destination
            : throw new ForgeException(MeshErrorCodes.InvalidRequest, problem))];
    }

    /// <summary>Starts a cold sandbox with a link that reaches <paramref name="egress"/> alone (a pooled one has no link).</summary>
    private async Task<ISandbox> StartLinkedAsync(SandboxSpec spec, IReadOnlyList<EgressDestination> egress, CancellationToken cancellationToken)
    {
        WorkerLink? opened = null;
        WorkerLink link;
        try
        {
            opened = await _egress.OpenAsync(egress);
            link = _sandboxes.JoinsLinkNamespace ? await _egress.IntoNamespaceAsync(opened) : opened;
        }
        catch (InvalidOperationException ex)
        {
            if (opened is not null)
            {
                await _egress.CloseAsync(opened);
            }

            // What ip and nft said (interfaces, rules) is for the operator's log, not for the caller.
            Log.ForgeFailed(_logger, spec.Name, ex.Message);
            throw new ForgeException(MeshErrorCodes.ForgeFailed, $"Node {_options.NodeId} could not set up the worker's egress link; the node agent's log says why.", ex);
        }

        try
        {
            return new LinkedSandbox(await _sandboxes.StartAsync(spec with { Link = link }, cancellationToken), link, _egress);
        }
        catch
        {
            await _egress.CloseAsync(link);
            throw;
        }
    }

    /// <summary>
    /// What code the worker host gets: a verified gem from the cache (seen read-only inside the sandbox), fetched from the
    /// gateway or, for summoned source, compiled here in a compile sandbox of its own (<see cref="SourceCompilation"/>);
    /// the agent itself never compiles anything. For a gem with a native host for this node's platform, also that
    /// program's path inside the sandbox.
    /// </summary>
    private async Task<Injection> InjectionOfAsync(ForgeRequest request, CancellationToken cancellationToken)
    {
        if (SummonRules.TargetProblem(request.GemDigest is not null, request.SourceCode is not null) is { } problem)
        {
            throw new ForgeException(MeshErrorCodes.InvalidRequest, problem);
        }

        CompiledSource? compiled = null;
        string digest;
        CachedGem cached;
        if (request.SourceCode is not null)
        {
            RefuseUncontained();
            compiled = await _compilation.CompileAsync(request, cancellationToken);
            (digest, cached) = (compiled.Digest, compiled.Gem);
        }
        else
        {
            // TargetProblem above: a forge request without source names a gem.
            digest = request.GemDigest!;
            cached = await _gems.GetAsync(digest, cancellationToken);
            if (cached.Manifest.FromSource)
            {
                // Compiled source is arbitrary code however it is named.
                RefuseUncontained();
            }
        }

        var (gemDirectory, manifest) = cached;
        if (manifest.Contract != request.Contract)
        {
            throw new ForgeException(MeshErrorCodes.ContractMismatch, $"Gem {digest} serves contract {manifest.Contract}, not {request.Contract}.");
        }

        var mounted = Path.Combine(_sandboxes.GemCacheMountPoint, Path.GetFileName(gemDirectory));
        var nativeHost = manifest.Native is { } native && native.Platform == RuntimeInformation.RuntimeIdentifier
            ? Path.Combine(mounted, native.Executable)
            : null;

        // The worker id and the keys are filled in once the sandbox is chosen.
        var config = new WorkerHostConfig
        {
            WorkerId = string.Empty,
            WorkerKey = string.Empty,
            TicketKeyId = string.Empty,
            TicketPublicKey = string.Empty,
            BindAddress = _options.DataPlaneAddress,
            HeartbeatTimeoutMs = request.HeartbeatTimeoutMs,
            IdleTimeoutMs = request.IdleTimeoutMs,
            Contract = request.Contract,
            IncludeErrorDiagnostics = _options.WorkerErrorDiagnostics,
            Gem = new GemLocation(mounted, manifest.EntryAssembly, manifest.WorkerType),
        };
        return new Injection(config, digest, nativeHost, compiled?.Archive);
    }

    /// <summary>Refuses summoned source on a node whose sandboxes contain nothing, unless its operator allowed it.</summary>
    private void RefuseUncontained()
    {
        if (!(_sandboxes.ContainsWorkers || _options.AllowUncontainedSource))
        {
            throw new ForgeException(MeshErrorCodes.NotSupported,
                $"Node {_options.NodeId} runs workers as plain processes, which contain nothing, so it refuses raw source (arbitrary code with the agent's rights). " +
                "Summon a published gem, or run the agent with --sandbox lxc or bwrap; where every caller is trusted, its operator may pass --allow-uncontained-source true.");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _coldStarts.Dispose();

    /// <summary>What a forge gives its worker host: the start-up configuration, the gem's digest, its native host if any, and the gem compiled for this summon if any.</summary>
    private sealed record Injection(WorkerHostConfig Config, string GemDigest, string? NativeHost, byte[]? CompiledGem);

    private async Task<WorkerHostStatus> StartHostAsync(ISandbox sandbox, WorkerHostConfig code, byte[] workerKey, CancellationToken cancellationToken)
    {
        var config = code with { WorkerKey = Convert.ToBase64String(workerKey) };
        await HostInput.WriteAsync(sandbox, new WorkerHostInstruction { Start = config }, cancellationToken);
        sandbox.Input.Close();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.WorkerStartTimeout);
        string? line;
        try
        {
            line = await sandbox.Output.ReadLineAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ForgeException(MeshErrorCodes.ForgeFailed,
                $"The worker host for {code.WorkerId} did not report its port within {_options.WorkerStartTimeout.TotalSeconds:0} s.");
        }

        if (line is null)
        {
            var exitCode = await sandbox.Exited.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            throw new ForgeException(MeshErrorCodes.ForgeFailed,
                $"The worker host for {code.WorkerId} exited with code {exitCode} before reporting its port.");
        }

        var status = Parse(line, code.WorkerId);
        if (status.Error is not null || status.Port is null)
        {
            throw new ForgeException(MeshErrorCodes.ForgeFailed, $"The worker host could not start worker {code.WorkerId}: {status.Error}");
        }

        return status;
    }

    private static WorkerHostStatus Parse(string line, string workerId)
    {
        try
        {
            return JsonSerializer.Deserialize(line, WorkerHostJsonContext.Default.WorkerHostStatus)
                ?? throw new JsonException("empty status");
        }
        catch (JsonException ex)
        {
            throw new ForgeException(MeshErrorCodes.ForgeFailed, $"The worker host for {workerId} printed an unreadable status line: {line}", ex);
        }
    }
}
