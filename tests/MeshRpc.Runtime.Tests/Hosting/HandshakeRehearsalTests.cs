using System.Net;
using System.Net.Sockets;
using MeshRpc.Hosting;
using MeshRpc.Tls;

namespace MeshRpc.Runtime.Tests.Hosting;

/// <summary>A cold host's TLS rehearsal on real loopback sockets: with its own client only.</summary>
public sealed class HandshakeRehearsalTests
{
    [Fact]
    public async Task Rehearses_ATlsHandshakeAndChallenge_WithItsOwnClient()
    {
        using var certificate = WorkerCertificate.CreateForServer();
        using var listener = Listen();

        using var limit = Limit();
        await HandshakeRehearsal.RunAsync(certificate, listener, limit.Token);

        // Nothing is left waiting on the listener: the one connection it accepted was the rehearsal's own.
        listener.Blocking = false;
        var error = Assert.Throws<SocketException>(() => listener.Accept());
        Assert.Equal(SocketError.WouldBlock, error.SocketErrorCode);
    }

    [Fact]
    public async Task AConnectionWaitingBeforeItsOwn_IsClosedUnanswered_AndTheRehearsalFails()
    {
        using var certificate = WorkerCertificate.CreateForServer();
        using var listener = Listen();
        using var intruder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await intruder.ConnectAsync(listener.LocalEndPoint!, TestContext.Current.CancellationToken);

        // Bounded: a rehearsal that answered the intruder would wait for its TLS hello, and fail this test, not hang it.
        using var limit = Limit();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => HandshakeRehearsal.RunAsync(certificate, listener, limit.Token));

        Assert.Contains("connected to the rehearsal's loopback port first", refused.Message, StringComparison.Ordinal);
        var received = await ReadAllAsync(intruder, limit.Token);
        Assert.Equal(0, received);
    }

    private static CancellationTokenSource Limit()
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        return limit;
    }

    private static Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        return listener;
    }

    // Counts every byte the peer sent before it closed (a reset counts as closed): no TLS record, no challenge.
    private static async Task<int> ReadAllAsync(Socket socket, CancellationToken cancellationToken)
    {
        var total = 0;
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return total;
    }
}
