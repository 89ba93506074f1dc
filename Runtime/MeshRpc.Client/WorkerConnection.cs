using System.Net.Security;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Client;
using MeshRpc.Client.Calls;
using MeshRpc.Client.Telemetry;
using MeshRpc.Tls;
using MeshRpc.Wire;

namespace MeshRpc;

/// <summary>
/// An authenticated, heartbeating data-plane connection from a caller straight to one worker.
/// Generated ghost proxies make their calls through it.
/// </summary>
public sealed class WorkerConnection : IAsyncDisposable
{
    private const int MaxHandshakeFrameBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly CancellationTokenSource _stopHeartbeat = new();
    private readonly Task _heartbeat;
    private Func<ValueTask>? _onDisposed;
    private Func<TimeSpan, CancellationToken, Task<DateTimeOffset>>? _extend;
    private long _endsAtTicks;
    private int _disposed;

    private WorkerConnection(CapabilityTicket ticket, MeshContract contract, Stream stream, CallChannel calls, int workerProcessId, DataPlaneRoute route, string endpoint, TimeSpan? callTimeout)
    {
        CallTimeout = callTimeout;
        _endsAtTicks = ticket.Lifetime?.EndsAt.UtcTicks ?? 0;
        Ticket = ticket;
        Contract = contract;
        _stream = stream;
        Route = route;
        Calls = calls;
        WorkerProcessId = workerProcessId;
        (ServerAddress, ServerPort) = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? (uri.Host, uri.Port) : (endpoint, 0);
        Closed = calls.Completion;
        _heartbeat = HeartbeatAsync(TimeSpan.FromMilliseconds(ticket.Heartbeat.IntervalMs), _stopHeartbeat.Token);
    }

    /// <summary>The ticket this connection was opened with.</summary>
    public CapabilityTicket Ticket { get; }

    /// <summary>The contract this connection speaks.</summary>
    public MeshContract Contract { get; }

    /// <summary>The worker's process id, as the worker reported it in the handshake.</summary>
    public int WorkerProcessId { get; }

    /// <summary>The path this connection took: <see cref="DataPlaneRoute.Direct"/> or <see cref="DataPlaneRoute.Relay"/>.</summary>
    public DataPlaneRoute Route { get; }

    /// <summary>How long a call may take where neither a <see cref="MeshCall.Timeout"/> scope nor the contract says.</summary>
    internal TimeSpan? CallTimeout { get; }

    /// <summary>The host the connection reached: the worker's node, or the gateway for a relayed connection.</summary>
    internal string ServerAddress { get; }

    /// <summary>The port the connection reached.</summary>
    internal int ServerPort { get; }

    /// <summary>The JSON-RPC connection <see cref="GhostProxy"/> calls through.</summary>
    internal CallChannel Calls { get; }

    /// <summary>
    /// Connects to the worker a ticket names and proves possession of the ticket's secret.
    /// Throws <see cref="WorkerLostException"/> when the worker cannot be reached and
    /// <see cref="CallRefusedException"/> when it refuses the handshake or presents a certificate other than the pinned one.
    /// </summary>
    public static Task<WorkerConnection> ConnectAsync(CapabilityTicket ticket, MeshContract contract, CancellationToken cancellationToken = default) =>
        ConnectAsync(ticket, contract, WorkerConnectOptions.Default, cancellationToken);

    /// <inheritdoc cref="ConnectAsync(CapabilityTicket, MeshContract, CancellationToken)" />
    public static async Task<WorkerConnection> ConnectAsync(
        CapabilityTicket ticket, MeshContract contract, WorkerConnectOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(options);
        if (ticket.Auth.Algorithm != Protocol.AuthAlgorithm)
        {
            throw new CallRefusedException(
                $"The ticket uses auth algorithm '{ticket.Auth.Algorithm}', but this client speaks '{Protocol.AuthAlgorithm}'. Upgrade the MeshRpc runtime.");
        }

        using var activity = ClientTelemetry.StartConnect(ticket);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout);
        Stream? stream = null;
        var endpoint = ticket.Endpoints.Direct;
        try
        {
            (stream, var route, endpoint) = await DataPlaneDialer.DialAsync(ticket, options, deadline.Token);
            if (ticket.Tls is { } tls)
            {
                stream = await SecureAsync(stream, new PinnedCertificate(tls), ticket, endpoint, deadline.Token);
            }

            var processId = await HandshakeAsync(stream, ticket, contract, deadline.Token);
            // Worker code is hostile: without the guard, a declared 2 GB reply would be buffered before anything fails.
            var guarded = new FrameGuardStream(stream, options.MaxFrameBytes, Timeout.InfiniteTimeSpan);
            var calls = new CallChannel(guarded, contract.JsonOptions, options.MaxFrameBytes);
            activity?.SetTag("meshrpc.route", route.ToString().ToLowerInvariant());
            return new WorkerConnection(ticket, contract, guarded, calls, processId, route, endpoint, options.CallTimeout);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await DisposeQuietlyAsync(stream);
            ClientTelemetry.Failed(activity, ex);
            throw new WorkerLostException(ticket.WorkerId,
                $"Worker {ticket.WorkerId} at {endpoint} did not complete the connection and handshake within {options.ConnectTimeout.TotalSeconds:0.#} seconds.", ex);
        }
        catch (Exception ex)
        {
            await DisposeQuietlyAsync(stream);
            ClientTelemetry.Failed(activity, ex);
            throw;
        }
    }

    /// <summary>Completes when the connection has closed: disposed here, or ended by the worker, its node or the network.</summary>
    public Task Closed { get; }

    /// <summary>
    /// Calls <paramref name="method"/> by its wire name with <paramref name="arguments"/> as JSON and returns its result as
    /// JSON (<see cref="JsonValueKind.Null"/> for a method with none): for tools with no generated proxy, such as
    /// <c>x-hauki-core call</c>. Failures surface as a proxy's do (<see cref="RemoteWorkerException"/>,
    /// <see cref="WorkerLostException"/>, and <see cref="CallRefusedException"/> for a method the worker does not serve).
    /// </summary>
    public Task<JsonElement> InvokeAsync(string method, IReadOnlyList<JsonElement> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(arguments);
        return CallAsync(method, arguments, static (writer, arguments) =>
        {
            foreach (var argument in arguments)
            {
                writer.Write(argument);
            }
        }, Calls.TypeInfo<JsonElement>(), methodTimeoutMs: 0, byName: true, cancellationToken).AsTask();
    }

    /// <summary>
    /// Calls <paramref name="method"/> with the arguments <paramref name="body"/> writes and reads its result by
    /// <paramref name="resultType"/> (null: a method without one), within its timeout: the caller's
    /// <see cref="MeshCall.Timeout"/> scope, else <paramref name="methodTimeoutMs"/> (its <c>[MeshTimeout]</c>; 0: none),
    /// else the connection's <see cref="WorkerConnectOptions.CallTimeout"/>. <paramref name="byName"/>: named by a
    /// person or tool, not by a generated proxy (for the failure's wording).
    /// </summary>
    internal ValueTask<T> CallAsync<T, TArguments>(
        string method, TArguments arguments, MeshArgumentsBody<TArguments> body, JsonTypeInfo<T>? resultType, int methodTimeoutMs, bool byName, CancellationToken cancellationToken)
    {
        var call = Calls.Rent<T>();
        return call.Start(this, method, arguments, body, resultType, TimeoutOf(methodTimeoutMs), byName, cancellationToken) is { } failure
            ? ValueTask.FromException<T>(failure)
            : call.Result;
    }

    /// <inheritdoc cref="CallAsync{T, TArguments}" />
    internal ValueTask CallAsync<TArguments>(string method, TArguments arguments, MeshArgumentsBody<TArguments> body, int methodTimeoutMs, CancellationToken cancellationToken)
    {
        var call = Calls.Rent<object?>();
        return call.Start(this, method, arguments, body, resultType: null, TimeoutOf(methodTimeoutMs), byName: false, cancellationToken) is { } failure
            ? ValueTask.FromException(failure)
            : call.Completion;
    }

    private TimeSpan? TimeoutOf(int methodTimeoutMs) =>
        MeshCall.ScopedTimeout ?? (methodTimeoutMs > 0 ? TimeSpan.FromMilliseconds(methodTimeoutMs) : CallTimeout);

    /// <summary>When the worker's node tears it down, as its ticket or the latest <see cref="ExtendAsync"/> said; null: never.</summary>
    public DateTimeOffset? EndsAt => Interlocked.Read(ref _endsAtTicks) is > 0 and var ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// Lets the worker live <paramref name="lifetime"/> from now (at most the gateway's cap); returns when it now ends.
    /// Needs the connection to come from <see cref="MeshClient"/>, which asks the gateway.
    /// </summary>
    public async Task<DateTimeOffset> ExtendAsync(TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var extend = _extend ?? throw new InvalidOperationException(
            $"This connection to worker {Ticket.WorkerId} was made without a MeshClient, which extends workers through the gateway: use MeshClient.ExtendAsync.");
        var endsAt = await extend(lifetime, cancellationToken);
        Interlocked.Exchange(ref _endsAtTicks, endsAt.UtcTicks);
        return endsAt;
    }

    /// <summary>How <see cref="ExtendAsync"/> reaches the gateway; set by <see cref="MeshClient"/>.</summary>
    internal void ExtendWith(Func<TimeSpan, CancellationToken, Task<DateTimeOffset>> extend) => _extend = extend;

    /// <summary>Runs <paramref name="onDisposed"/> after the connection closes, e.g. to tear the worker down.</summary>
    public void OnDisposed(Func<ValueTask> onDisposed) => _onDisposed = onDisposed;

    /// <summary>Stops heartbeating, closes the connection and runs the teardown callback.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopHeartbeat.CancelAsync();
        await _heartbeat;
        await Calls.DisposeAsync();
        await _stream.DisposeAsync();
        _stopHeartbeat.Dispose();
        if (_onDisposed is { } onDisposed)
        {
            await onDisposed();
        }
    }

    private static async Task<Stream> SecureAsync(Stream stream, PinnedCertificate pin, CapabilityTicket ticket, string endpoint, CancellationToken cancellationToken)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(pin.ClientOptions(), cancellationToken);
            return tls;
        }
        catch (AuthenticationException ex) when (pin.Refused)
        {
            await tls.DisposeAsync();
            throw new CallRefusedException(pin.Mismatch(ticket.WorkerId, endpoint), ex);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await tls.DisposeAsync();
            throw new WorkerLostException(ticket.WorkerId,
                $"The TLS handshake with worker {ticket.WorkerId} at {endpoint} failed: {ex.Message}. The worker may have exited, or the endpoint is not a MeshRpc worker.", ex);
        }
    }

    private static async ValueTask DisposeQuietlyAsync(Stream? stream)
    {
        if (stream is not null)
        {
            await stream.DisposeAsync();
        }
    }

    private static async Task<int> HandshakeAsync(Stream stream, CapabilityTicket ticket, MeshContract contract, CancellationToken cancellationToken)
    {
        var challengeBytes = await ReadFrameAsync(stream, ticket, "challenge", cancellationToken);
        var challenge = Deserialize(challengeBytes, HandshakeJsonContext.Default.ChallengeMessage, ticket);
        if (challenge?.Method != Protocol.ChallengeMethod || challenge.Params is null)
        {
            throw new CallRefusedException(
                $"The service at {ticket.Endpoints.Direct} did not open with a MeshRpc challenge; it is not a MeshRpc worker.");
        }

        if (challenge.Params.Protocol != Protocol.Version)
        {
            throw new CallRefusedException(
                $"Worker {ticket.WorkerId} speaks {challenge.Params.Protocol}, this client speaks {Protocol.Version}. Use matching MeshRpc versions.");
        }

        if (challenge.Params.WorkerId != ticket.WorkerId)
        {
            throw new CallRefusedException(
                $"The endpoint {ticket.Endpoints.Direct} serves worker {challenge.Params.WorkerId}, but the ticket is for worker {ticket.WorkerId}. " +
                "The ticket is stale; summon the worker again.");
        }

        var request = HandshakeRequest.For(ticket, (contract.Name, contract.Hash), challenge.Params.Nonce);
        try
        {
            await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(request, HandshakeJsonContext.Default.HandshakeRequest), cancellationToken);
        }
        catch (IOException ex)
        {
            // A worker that closed the connection (dying, or overloaded past its handshake deadline) is lost, as in a read.
            throw new WorkerLostException(ticket.WorkerId,
                $"The connection to worker {ticket.WorkerId} at {ticket.Endpoints.Direct} failed while sending the handshake: {ex.Message}", ex);
        }

        var replyBytes = await ReadFrameAsync(stream, ticket, "handshake reply", cancellationToken);
        using var reply = JsonDocument.Parse(replyBytes);
        if (reply.RootElement.TryGetProperty("error", out var error))
        {
            var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
            throw new CallRefusedException(message ?? $"Worker {ticket.WorkerId} refused the handshake without a reason.");
        }

        var accepted = Deserialize(replyBytes, HandshakeJsonContext.Default.HandshakeAccepted, ticket);
        return accepted?.Result?.ProcessId ?? throw new CallRefusedException(
            $"Worker {ticket.WorkerId} answered the handshake with neither a result nor an error.");
    }

    private static async Task<byte[]> ReadFrameAsync(Stream stream, CapabilityTicket ticket, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await Frames.ReadAsync(stream, MaxHandshakeFrameBytes, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new WorkerLostException(ticket.WorkerId,
                $"The connection to worker {ticket.WorkerId} at {ticket.Endpoints.Direct} failed while reading the {what}: {ex.Message}", ex);
        }
    }

    private static T? Deserialize<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CapabilityTicket ticket)
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new CallRefusedException(
                $"Worker {ticket.WorkerId} at {ticket.Endpoints.Direct} sent a malformed handshake message: {ex.Message}", ex);
        }
    }

    private async Task HeartbeatAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await Calls.NotifyAsync(Protocol.HeartbeatMethod, 0, MeshArgumentsWriter.None);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposal stops the loop.
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException)
        {
            // The connection is gone; the next call reports it as a lost worker.
        }
    }
}
