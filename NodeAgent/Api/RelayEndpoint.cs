using System.Net.Sockets;
using System.Net.WebSockets;
using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Workers;

namespace MeshRpc.NodeAgent.Api;

/// <summary>
/// The node's end of the data-plane relay: bridges a caller's WebSocket (forwarded by the gateway's YARP route
/// <c>/nodes/{nodeId}/relay/{workerId}</c>) to one of this node's workers. It moves bytes only: TLS and the ticket
/// handshake run end to end between caller and worker, so the relay can neither read the calls nor skip the handshake.
/// It opens connections to its own workers and nowhere else.
/// </summary>
internal static class RelayEndpoint
{
    public const string Pattern = "/relay/{workerId}";

    public static void MapRelay(this IEndpointRouteBuilder app) => app.Map(Pattern, BridgeAsync);

    private static async Task<IResult> BridgeAsync(string workerId, HttpContext context, WorkerTable workers, ILogger<WorkerTable> logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return AgentEndpoints.Problem(MeshErrorCodes.InvalidRequest,
                "The relay speaks WebSocket only: open ws://<gateway>/nodes/<node>/relay/<worker> (the MeshRpc client does when the direct endpoint is unreachable).");
        }

        if (workers.Find(workerId) is not { } worker || !Uri.TryCreate(worker.Endpoint, UriKind.Absolute, out var endpoint))
        {
            return AgentEndpoints.Problem(MeshErrorCodes.WorkerNotFound,
                $"No worker {workerId} runs on this node; it may have exited or been torn down. Summon it again.");
        }

        using var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port, context.RequestAborted);
        }
        catch (SocketException ex)
        {
            return AgentEndpoints.Problem(MeshErrorCodes.WorkerNotFound,
                $"Worker {workerId} does not accept connections at {worker.Endpoint} ({ex.SocketErrorCode}); it may be exiting.", StatusCodes.Status502BadGateway);
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await using var caller = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false);
        await using var workerStream = tcp.GetStream();

        // Whichever side ends first ends the bridge; closing both unblocks the other copy.
        var upstream = caller.CopyToAsync(workerStream, context.RequestAborted);
        var downstream = workerStream.CopyToAsync(caller, context.RequestAborted);
        try
        {
            await Task.WhenAny(upstream, downstream);
        }
        finally
        {
            tcp.Close();
            socket.Abort();
        }

        // The copy cut short by the close above fails by design; the bridge's outcome is that both sides are closed.
        await Task.WhenAll(upstream, downstream).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Log.RelayClosed(logger, workerId);
        return Results.Empty;
    }
}
