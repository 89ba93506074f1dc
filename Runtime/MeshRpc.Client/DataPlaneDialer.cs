using System.Net.Sockets;
using System.Net.WebSockets;

namespace MeshRpc.Client;

/// <summary>
/// Opens the byte stream to a worker: straight to its direct endpoint, or, when that cannot be reached, through the
/// gateway's WebSocket relay. TLS and the ticket handshake run end to end over either, so the relay sees only ciphertext.
/// </summary>
internal static class DataPlaneDialer
{
    public static async Task<(Stream Stream, DataPlaneRoute Route, string Endpoint)> DialAsync(
        CapabilityTicket ticket, WorkerConnectOptions options, CancellationToken cancellationToken)
    {
        var (host, port) = TicketEndpoint.ParseDirect(ticket);
        var relay = TicketEndpoint.ParseRelay(ticket);
        if (options.Route == DataPlaneRoute.Relay)
        {
            return relay is null
                ? throw new WorkerLostException(ticket.WorkerId,
                    $"The caller asked for the relay, but the ticket for worker {ticket.WorkerId} lists none: its gateway offers no relay. Connect directly to {ticket.Endpoints.Direct}.")
                : (await RelayAsync(ticket, relay, options.RelayCredential, directFailure: null, cancellationToken), DataPlaneRoute.Relay, relay.ToString());
        }

        string directFailure;
        using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            attempt.CancelAfter(options.DirectConnectTimeout);
            var tcp = new TcpClient { NoDelay = true };
            try
            {
                await tcp.ConnectAsync(host, port, attempt.Token);
                return (tcp.GetStream(), DataPlaneRoute.Direct, ticket.Endpoints.Direct);
            }
            catch (SocketException ex)
            {
                tcp.Dispose();
                directFailure = ex.SocketErrorCode.ToString();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                tcp.Dispose();
                directFailure = $"no answer within {options.DirectConnectTimeout.TotalSeconds:0.#} s";
            }
        }

        if (options.Route == DataPlaneRoute.Direct || relay is null)
        {
            throw new WorkerLostException(ticket.WorkerId,
                $"Could not connect to worker {ticket.WorkerId} at {ticket.Endpoints.Direct}: {directFailure}" +
                (relay is null ? " (the ticket lists no relay to fall back to)" : string.Empty) + ". " +
                "The worker may have exited (its heartbeat timeout passed or it was torn down) or its address is not reachable from here.");
        }

        return (await RelayAsync(ticket, relay, options.RelayCredential, directFailure, cancellationToken), DataPlaneRoute.Relay, relay.ToString());
    }

    private static async Task<Stream> RelayAsync(CapabilityTicket ticket, Uri relay, MeshCredential? credential, string? directFailure, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            if (credential is not null)
            {
                socket.Options.SetRequestHeader("Authorization", (await credential.HeaderAsync(cancellationToken)).ToString());
            }

            await socket.ConnectAsync(relay, cancellationToken);
            return WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException)
        {
            socket.Dispose();
            var direct = directFailure is null ? string.Empty : $"its direct endpoint {ticket.Endpoints.Direct} failed ({directFailure}), and ";
            throw new WorkerLostException(ticket.WorkerId,
                $"Could not reach worker {ticket.WorkerId}: {direct}the relay {relay} failed: {ex.Message}. " +
                "The worker or its node may be gone, or the gateway is not reachable from here.", ex);
        }
    }
}
