using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;
using MeshRpc.Hosting.Calls;
using MeshRpc.Tls;
using MeshRpc.Wire;

namespace MeshRpc.Hosting;

/// <summary>
/// Serves one worker object on an ephemeral TCP port: challenges every connection, refuses every call until the
/// caller proves it holds the ticket's secret, then dispatches JSON-RPC through the generated contract.
/// </summary>
public sealed class WorkerServer : IAsyncDisposable
{
    private readonly WorkerServerOptions _options;
    private readonly MeshContract _contract;
    private readonly Action<MeshDispatcher, object> _attach;
    private readonly object _target;
    private readonly Socket _listener;
    private readonly HeartbeatWatchdog _watchdog;
    private readonly HeartbeatWatchdog? _idle;
    private readonly WorkerTelemetry _telemetry;
    private readonly SslServerAuthenticationOptions? _tls;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private Task? _acceptLoop;
    private int _refused;
    private int _pendingHandshakes;

    /// <summary>Creates the server; call <see cref="Start"/> to listen.</summary>
    public WorkerServer(WorkerServerOptions options, MeshContract contract, object target, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(target);
        _options = options;
        _contract = contract;
        _attach = MeshDispatchers.For(contract);
        _target = target;
        // Calls, not heartbeats, keep a worker with an idle timeout alive: the same watchdog, held while a call is served.
        _idle = options.CallIdleTimeout is { } idle ? new HeartbeatWatchdog(idle, time) : null;
        var calls = _idle is null ? null : new CallActivity(_idle);
        if (calls is not null)
        {
            _idle!.HoldWhile(() => calls.Busy);
        }

        _telemetry = new WorkerTelemetry(contract.Name, calls, options.CallTimedOut);
        _listener = options.Listener ?? Bind(options.BindAddress);
        _watchdog = new HeartbeatWatchdog(options.HeartbeatTimeout, time, firstBeatGrace: options.HandshakeTimeout);
        _tls = options.Certificate is { } certificate ? WorkerCertificate.ServerOptions(certificate) : null;
    }

    /// <summary>Completes when no caller has heartbeated for the heartbeat timeout.</summary>
    public Task HeartbeatLost => _watchdog.Expired;

    /// <summary>Completes when no call has come for the idle timeout; never without one.</summary>
    public Task IdleExpired => _idle?.Expired ?? Task.Delay(Timeout.Infinite);

    /// <summary>Handshakes refused so far; a refused connection never reaches the worker object.</summary>
    public int RefusedHandshakes => Volatile.Read(ref _refused);

    /// <summary>Starts listening and returns the ephemeral endpoint.</summary>
    public IPEndPoint Start()
    {
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
        return (IPEndPoint)_listener.LocalEndPoint!;
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _watchdog.Dispose();
        _idle?.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && stopping.IsCancellationRequested)
            {
                return;
            }

            client.NoDelay = true;
            var connection = ServeAsync(client, stopping);
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(connection);
            }
        }
    }

    private static Socket Bind(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen();
        return socket;
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        {
            Stream stream = new NetworkStream(client, ownsSocket: true);
            string? refusal;
            if (Interlocked.Increment(ref _pendingHandshakes) > _options.MaxPendingHandshakes)
            {
                // Too many strangers at the door at once: close without a challenge, at no cost to authenticated callers.
                Interlocked.Decrement(ref _pendingHandshakes);
                Refused(HandshakeRefusals.Overloaded);
                return;
            }

            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                deadline.CancelAfter(_options.HandshakeTimeout);
                if (_tls is not null)
                {
                    // TLS first, inside the same deadline and pending-handshake budget as the ticket handshake.
                    var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                    stream = tls;
                    await tls.AuthenticateAsServerAsync(_tls, deadline.Token);
                }

                refusal = await HandshakeAsync(stream, deadline.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or AuthenticationException)
            {
                // A peer that stalls, disconnects, fails TLS or sends garbage framing before authenticating gets no further.
                refusal = HandshakeRefusals.Transport;
            }
            finally
            {
                Interlocked.Decrement(ref _pendingHandshakes);
            }

            await using var disposeStream = stream;
            if (refusal is not null)
            {
                Refused(refusal);
                return;
            }

            _watchdog.Beat();
            await using var guarded = new FrameGuardStream(stream, _options.MaxFrameBytes, _options.IdleTimeout);
            await using var dispatcher = new MeshDispatcher(_contract.JsonOptions);
            _attach(dispatcher, _target);
            using var calls = new WorkerCalls(guarded, dispatcher, _contract.JsonOptions, _options.MaxFrameBytes, _telemetry, _watchdog.Beat, _options.IncludeErrorDiagnostics);
            using var registration = stopping.Register(guarded.Dispose);
            await calls.RunAsync();
        }
    }

    // Null when the caller proved its ticket; else why not (one of HandshakeRefusals).
    private async Task<string?> HandshakeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var challenge = new ChallengeMessage("2.0", Protocol.ChallengeMethod, new ChallengeParams(Protocol.Version, _options.WorkerId, nonce));
        await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(challenge, HandshakeJsonContext.Default.ChallengeMessage), cancellationToken);

        byte[] frame;
        try
        {
            frame = await Frames.ReadAsync(stream, _options.MaxHandshakeFrameBytes, cancellationToken);
        }
        catch (FrameTooLargeException ex)
        {
            await RefuseAsync(stream, null, ex.Message, cancellationToken);
            return HandshakeRefusals.TooLarge;
        }

        var (id, verdict) = Judge(frame, nonce);
        if (verdict is not null)
        {
            await RefuseAsync(stream, id, verdict.Message, cancellationToken);
            return verdict.Reason;
        }

        var reply = new HandshakeAccepted("2.0", id!.Value, new HandshakeResult(_options.WorkerId, Environment.ProcessId));
        await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(reply, HandshakeJsonContext.Default.HandshakeAccepted), cancellationToken);
        return null;
    }

    private void Refused(string reason)
    {
        Interlocked.Increment(ref _refused);
        _options.HandshakeRefused?.Invoke(reason);
    }

    /// <summary>Returns the request id and null when the handshake is valid, or the reason to refuse it.</summary>
    private (JsonElement? Id, Refusal? Refusal) Judge(byte[] frame, string nonce)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException)
        {
            return (null, new(HandshakeRefusals.Malformed, "Handshake refused: the first frame is not JSON. A MeshRpc connection starts with a 'mesh.handshake' JSON-RPC request."));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, new(HandshakeRefusals.Malformed, "Handshake refused: the first frame is not a JSON-RPC request object."));
            }

            JsonElement? id = root.TryGetProperty("id", out var idElement) ? idElement.Clone() : null;
            var method = root.TryGetProperty("method", out var methodElement) && methodElement.ValueKind == JsonValueKind.String
                ? methodElement.GetString()
                : null;
            if (method != Protocol.HandshakeMethod)
            {
                return (id, new(HandshakeRefusals.NoHandshake, $"Call '{method ?? "(none)"}' refused: this connection has not completed the MeshRpc ticket handshake. " +
                            $"Send '{Protocol.HandshakeMethod}' with the proof from your Capability Ticket first (the MeshRpc runtime and generated stubs do this for you)."));
            }

            if (id is null)
            {
                return (null, new(HandshakeRefusals.Malformed, "Handshake refused: 'mesh.handshake' must be a request with an id, not a notification."));
            }

            HandshakeParams? parameters;
            try
            {
                parameters = root.TryGetProperty("params", out var p)
                    ? p.Deserialize(HandshakeJsonContext.Default.HandshakeParams)
                    : null;
            }
            catch (JsonException)
            {
                parameters = null;
            }

            if (parameters is null || parameters.Proof is null || parameters.WorkerId is null || parameters.TicketId is null
                || parameters.KeyId is null || parameters.Claims is null || parameters.Signature is null)
            {
                return (id, new(HandshakeRefusals.Malformed, "Handshake refused: 'mesh.handshake' params must carry ticketId, workerId, contract, contractHash, keyId, claims, signature and proof."));
            }

            return (id, Verify(parameters, nonce));
        }
    }

    private Refusal? Verify(HandshakeParams handshake, string nonce)
    {
        var (claims, refusal) = _options.Tickets.Verify(handshake.KeyId, handshake.Claims, handshake.Signature, _options.WorkerId);
        if (claims is null)
        {
            return new(HandshakeRefusals.Ticket, "Handshake refused: " + refusal);
        }

        if (claims.TicketId != handshake.TicketId || handshake.WorkerId != _options.WorkerId)
        {
            return new(HandshakeRefusals.Ticket, $"Handshake refused: the handshake names ticket {handshake.TicketId} for worker {handshake.WorkerId}, but the signed claims say ticket {claims.TicketId} for worker {claims.WorkerId}.");
        }

        // What the worker serves is checked against the signed claims; the handshake's own contract fields are the
        // caller's word only, and may at most agree with them.
        if (claims.Contract != _contract.Name)
        {
            return new(HandshakeRefusals.Contract, $"Handshake refused: the ticket was issued for contract {claims.Contract}, but this worker serves {_contract.Name}.");
        }

        if (claims.ContractHash != _contract.Hash)
        {
            return new(HandshakeRefusals.Contract, $"Handshake refused: contract {_contract.Name} differs between the ticket (hash {claims.ContractHash}) and this worker (hash {_contract.Hash}). " +
                   "Rebuild the caller and the worker from the same contract.");
        }

        if (handshake.Contract != claims.Contract || handshake.ContractHash != claims.ContractHash)
        {
            return new(HandshakeRefusals.Contract, $"Handshake refused: the caller expects contract {handshake.Contract} (hash {handshake.ContractHash}), but its ticket was issued for {claims.Contract} (hash {claims.ContractHash}).");
        }

        var secret = Tickets.TicketSecrets.Derive(_options.WorkerKey, claims.TicketId);
        var expected = Protocol.ComputeProof(secret, handshake.WorkerId, handshake.TicketId, nonce);
        if (!Protocol.ProofMatches(expected, handshake.Proof))
        {
            return new(HandshakeRefusals.Proof, $"Handshake refused: the proof does not match worker {_options.WorkerId}'s ticket secret. Use the ticket the gateway issued for this worker.");
        }

        return null;
    }

    private sealed record Refusal(string Reason, string Message);

    private static async Task RefuseAsync(Stream stream, JsonElement? id, string reason, CancellationToken cancellationToken)
    {
        var refusal = new RefusalMessage("2.0", id, new RefusalError(Protocol.HandshakeRefusedCode, reason));
        await Frames.WriteAsync(stream, JsonSerializer.SerializeToUtf8Bytes(refusal, HandshakeJsonContext.Default.RefusalMessage), cancellationToken);
    }
}
