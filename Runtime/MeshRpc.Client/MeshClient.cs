using System.Diagnostics;
using System.Net;
using MeshRpc.Client.Telemetry;
using MeshRpc.ControlPlane;
using Refit;

namespace MeshRpc;

/// <summary>
/// A caller's handle on the mesh: summons workers through the gateway and wraps their tickets in ghost proxies.
/// Calls then go straight to the worker, never through the gateway.
/// </summary>
public sealed class MeshClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly MeshCredential? _credential;

    /// <summary>Creates a client for the gateway at <paramref name="gateway"/>, proving itself with <paramref name="credential"/>.</summary>
    public MeshClient(Uri gateway, MeshCredential? credential)
        : this(Http(gateway, credential), ownsHttp: true, credential)
    {
    }

    /// <summary>
    /// Creates a client for several gateways of one swarm (docs/scaling.md): requests go to the first that answers, and
    /// a summon whose gateway dies under it is sent to the next with the same idempotency key, so it forges one worker.
    /// </summary>
    public MeshClient(IReadOnlyList<Uri> gateways, MeshCredential? credential)
        : this(Http(gateways, credential), ownsHttp: true, credential)
    {
    }

    /// <summary>
    /// Creates a client over an <see cref="HttpClient"/> whose BaseAddress is the gateway and whose pipeline adds the
    /// caller's credential (a <see cref="MeshCredentialHandler"/>); <paramref name="credential"/> also opens the relay.
    /// </summary>
    public MeshClient(HttpClient http, MeshCredential? credential = null)
        : this(http, ownsHttp: false, credential)
    {
    }

    private MeshClient(HttpClient http, bool ownsHttp, MeshCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _ownsHttp = ownsHttp;
        _credential = credential;
        Gateway = MeshHttp.Gateway(http);
    }

    /// <summary>The gateway's HTTP API.</summary>
    public IUahCoreApi Gateway { get; }

    /// <summary>How proxies connect to their workers: direct, relay, or direct with relay fallback (the default).</summary>
    public WorkerConnectOptions ConnectOptions { get; init; } = WorkerConnectOptions.Default;

    /// <summary>Summons a worker serving <typeparamref name="T"/> and returns its ghost proxy; dispose it to tear the worker down.</summary>
    public async Task<T> SummonAsync<T>(SummonRequest request, CancellationToken cancellationToken = default)
        where T : class
    {
        // A contract with no proxy fails here, before a worker is forged that nothing could call.
        GhostProxies.Factory<T>();
        var contract = MeshContracts.Get<T>();
        var started = Stopwatch.GetTimestamp();
        using var activity = ClientTelemetry.StartSummon(contract, request);
        try
        {
            var spawned = await SpawnAsync(contract, request, cancellationToken);
            activity?.SetTag("meshrpc.worker.id", spawned.Ticket.WorkerId);
            var proxy = await ConnectAsync<T>(spawned.Ticket, cancellationToken);
            ClientTelemetry.SummonEnded(started, contract, failure: null);
            return proxy;
        }
        catch (Exception ex) when (ex is MeshRpcException or OperationCanceledException)
        {
            ClientTelemetry.Failed(activity, ex);
            ClientTelemetry.SummonEnded(started, contract, ex);
            throw;
        }
    }

    /// <summary>Phases 1 to 3: asks the gateway to place and forge a worker, and returns its ticket.</summary>
    public async Task<SpawnEphemeralResponse> SpawnAsync(MeshContract contract, SummonRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(request);
        if (SummonRules.TargetProblem(request.Gem is not null, request.SourceCode is not null) is { } problem)
        {
            throw new SummonFailedException(SummonFailureReason.InvalidRequest, problem + " Use SummonRequest.FromGem(...) or SummonRequest.FromSource(...).");
        }

        var body = new SpawnEphemeralRequest
        {
            Contract = contract.Name,
            ContractHash = contract.Hash,
            Gem = request.Gem?.ToString(),
            SourceCode = request.SourceCode,
            HeartbeatTimeoutMs = request.HeartbeatTimeout is { } timeout ? (int)timeout.TotalMilliseconds : null,
            MaxLifetimeMs = request.MaxLifetime is { } lifetime ? (int)Math.Min(int.MaxValue, lifetime.TotalMilliseconds) : null,
            IdleTimeoutMs = request.IdleTimeout is { } idle ? (int)Math.Min(int.MaxValue, idle.TotalMilliseconds) : null,
            RequiredLabels = request.RequiredLabels,
            MemoryMb = request.MemoryMb,
            Egress = request.Egress.Count == 0 ? null : [.. request.Egress.Select(destination => destination.ToString())],
        };
        // One key per summon, whichever gateway ends up serving it: a retry after a lost answer forges no second worker.
        var idempotencyKey = Guid.NewGuid().ToString("N");
        return await CallGatewayAsync(() => Gateway.SpawnEphemeralAsync(body, idempotencyKey, cancellationToken), "summon");
    }

    /// <summary>Phase 4: connects to the worker a ticket names and returns its ghost proxy. If the connection fails, the worker is torn down.</summary>
    public async Task<T> ConnectAsync<T>(CapabilityTicket ticket, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var contract = MeshContracts.Get<T>();
        var createProxy = GhostProxies.Factory<T>();
        WorkerConnection connection;
        try
        {
            connection = await WorkerConnection.ConnectAsync(ticket, contract, ConnectOptions with { RelayCredential = ConnectOptions.RelayCredential ?? _credential }, cancellationToken);
        }
        catch
        {
            await TeardownAfterFailedConnectAsync(ticket.WorkerId);
            throw;
        }

        connection.OnDisposed(() => new ValueTask(TeardownAsync(ticket.WorkerId, CancellationToken.None)));
        connection.ExtendWith((lifetime, token) => ExtendAsync(ticket.WorkerId, lifetime, token));
        return createProxy(connection);
    }

    private async Task TeardownAfterFailedConnectAsync(string workerId)
    {
        try
        {
            await TeardownAsync(workerId, CancellationToken.None);
        }
        catch (TeardownFailedException)
        {
            // The connect failure is the error the caller needs; this worker never got a heartbeat and dies at its timeout.
        }
    }

    /// <summary>
    /// Lets one of the caller's workers live <paramref name="lifetime"/> from now (at most the gateway's cap; a shorter
    /// one shortens it); returns when it now ends. Its node tears it down then.
    /// </summary>
    public async Task<DateTimeOffset> ExtendAsync(string workerId, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var set = await CallGatewayAsync(
            () => Gateway.SetLifetimeAsync(workerId, new LifetimeRequest((int)Math.Min(int.MaxValue, lifetime.TotalMilliseconds)), cancellationToken), $"extend worker {workerId}");
        return set.EndsAt;
    }

    /// <summary>Publishes a gem archive to the gateway's gem store.</summary>
    public Task<GemPublished> PublishGemAsync(byte[] archive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return CallGatewayAsync(() => Gateway.PublishGemAsync(new MemoryStream(archive, writable: false), cancellationToken), "publish the gem");
    }

    /// <summary>Phase 5: tears a worker down; returns once its sandbox is gone (or was already gone).</summary>
    public async Task TeardownAsync(string workerId, CancellationToken cancellationToken = default)
    {
        try
        {
            await Gateway.TeardownAsync(workerId, cancellationToken);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone: teardown's goal holds.
        }
        // Refit reports a gateway it cannot reach as ApiRequestException, one it reached as ApiException: both are ApiExceptionBase.
        catch (Exception ex) when (ex is ApiExceptionBase or HttpRequestException)
        {
            throw new TeardownFailedException(workerId,
                $"Could not confirm that worker {workerId} was torn down: {(ex is ApiException api ? Describe(api, MeshError.Parse(api.Content)) : ex.Message)}. It dies on its own when its heartbeat timeout passes.", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<TResult> CallGatewayAsync<TResult>(Func<Task<TResult>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (ApiException ex)
        {
            var error = MeshError.Parse(ex.Content);
            throw new SummonFailedException(MeshErrorCodes.KindOf(error?.Code).Reason, $"UAH CORE could not {what}: {Describe(ex, error)}", ex, error?.Diagnostics);
        }
        catch (Exception ex) when (ex is ApiRequestException or HttpRequestException)
        {
            throw new SummonFailedException(SummonFailureReason.GatewayUnavailable,
                $"Could not reach UAH CORE at {_http.BaseAddress} to {what}: {ex.Message}. Check that the gateway is running and the address is right.", ex);
        }
    }

    private static HttpClient Http(Uri gateway, MeshCredential? credential) => Http([gateway], credential);

    private static HttpClient Http(IReadOnlyList<Uri> gateways, MeshCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        HttpMessageHandler handler = new HttpClientHandler();
        if (gateways.Count > 1)
        {
            handler = new GatewayFailoverHandler(gateways, handler);
        }

        return new(credential is null ? handler : new MeshCredentialHandler(credential) { InnerHandler = handler })
        {
            BaseAddress = gateways.Count > 0 ? gateways[0] : throw new ArgumentException("Give at least one gateway.", nameof(gateways)),
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    private static string Describe(ApiException ex, MeshError? error) =>
        error is null ? $"HTTP {(int)ex.StatusCode} {ex.ReasonPhrase}" : $"{error.Detail} ({error.Code})";
}
