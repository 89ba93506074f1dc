using System.Net;
using System.Net.Sockets;
using MeshRpc.Wire;

namespace MeshRpc.Runtime.Tests.Wire;

/// <summary>The guard's idle timeout on a real loopback connection: silence closes it, traffic keeps it open.</summary>
public sealed class FrameGuardStreamTests
{
    [Fact]
    public async Task AConnection_SilentForTheIdleTimeout_FailsItsPendingRead_AsIdle()
    {
        var (local, remote) = await ConnectedPairAsync();
        using var peer = remote;
        await using var guard = new FrameGuardStream(local.GetStream(), 1024, TimeSpan.FromMilliseconds(200));

        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<IOException>(() => guard.ReadAsync(new byte[16], TestContext.Current.CancellationToken).AsTask().WaitAsync(budget.Token));

        Assert.Contains("closed as idle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConnection_WithTraffic_StaysOpen_PastTheIdleTimeout()
    {
        var (local, remote) = await ConnectedPairAsync();
        using var peer = remote;
        await using var guard = new FrameGuardStream(local.GetStream(), 1024, TimeSpan.FromMilliseconds(200));
        var sender = peer.GetStream();

        // A byte every 50 ms for a second: five idle timeouts long, never idle for one. Zeros: empty frames' headers.
        var buffer = new byte[1];
        for (var i = 0; i < 20; i++)
        {
            await sender.WriteAsync(new byte[] { 0 }, TestContext.Current.CancellationToken);
            Assert.Equal(1, await guard.ReadAsync(buffer, TestContext.Current.CancellationToken));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<(TcpClient Local, TcpClient Remote)> ConnectedPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var local = new TcpClient();
        var accepting = listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        await local.ConnectAsync((IPEndPoint)listener.LocalEndpoint, TestContext.Current.CancellationToken);
        return (local, await accepting);
    }
}
