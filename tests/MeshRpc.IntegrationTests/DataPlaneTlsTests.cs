using System.Net.Sockets;
using System.Text;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;
using MeshRpc.Wire;

namespace MeshRpc.IntegrationTests;

/// <summary>The data plane is TLS, and the caller trusts exactly the certificate its ticket pins.</summary>
public sealed class DataPlaneTlsTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task Ticket_PinsTheCertificateTheWorkerPresents()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var ticket = ((IGhostProxy)worker).Connection.Ticket;

        Assert.StartsWith("tls://", ticket.Endpoints.Direct, StringComparison.Ordinal);
        Assert.Equal(TicketTls.Sha256, ticket.Tls?.Algorithm);
        Assert.Matches("^[0-9a-f]{64}$", ticket.Tls?.Fingerprint);
        Assert.Equal("pinned", await worker.EchoAsync("pinned"));
    }

    [Fact]
    public async Task WrongCertificateFingerprint_IsRefused_NamingBoth_AndTheWorkerKeepsServing()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var ticket = ((IGhostProxy)worker).Connection.Ticket;
        var wrong = new string('0', 64);
        var tampered = ticket with { Tls = ticket.Tls! with { Fingerprint = wrong } };

        var error = await Assert.ThrowsAsync<CallRefusedException>(
            () => WorkerConnection.ConnectAsync(tampered, MeshContracts.Get<ITestWorker>(), TestContext.Current.CancellationToken));

        Assert.Contains(ticket.Tls!.Fingerprint, error.Message, StringComparison.Ordinal);
        Assert.Contains($"pins {wrong}", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await worker.IncrementAsync());
    }

    [Fact]
    public async Task PlainTcpCaller_GetsNothingInTheClear()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var endpoint = new Uri(((IGhostProxy)worker).Connection.Ticket.Endpoints.Direct);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();

        // A plaintext MeshRpc client waits for the challenge, which a TLS worker never sends before a TLS handshake...
        var early = new byte[1];
        var read = stream.ReadAsync(early, TestContext.Current.CancellationToken).AsTask();
        Assert.NotSame(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken)));

        // ...and a plaintext frame in place of a ClientHello ends the connection with, at most, a TLS alert.
        await Frames.WriteAsync(stream, Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"mesh.handshake"}"""), TestContext.Current.CancellationToken);
        var received = new List<byte>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var count = await read;
            received.AddRange(early.AsSpan(0, count).ToArray());
            var buffer = new byte[4096];
            while (count > 0)
            {
                count = await stream.ReadAsync(buffer, deadline.Token);
                received.AddRange(buffer.AsSpan(0, count).ToArray());
            }
        }
        catch (IOException)
        {
            // A reset is as good as a close here.
        }

        Assert.False(deadline.IsCancellationRequested, "The worker kept the connection open after a plaintext frame.");
        Assert.DoesNotContain("jsonrpc", Encoding.Latin1.GetString([.. received]), StringComparison.Ordinal);
        Assert.Equal("still here", await worker.EchoAsync("still here"));
    }
}

/// <summary>With <c>--data-plane-tls false</c> (trusted networks only), workers speak plain TCP and tickets pin nothing.</summary>
public sealed class PlaintextDataPlaneTests(PlaintextMesh mesh) : IClassFixture<PlaintextMesh>
{
    [Fact]
    public async Task TlsOff_TicketsArePlainTcp_AndCallsWork()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var ticket = ((IGhostProxy)worker).Connection.Ticket;

        Assert.StartsWith("tcp://", ticket.Endpoints.Direct, StringComparison.Ordinal);
        Assert.Null(ticket.Tls);
        Assert.Equal("clear", await worker.EchoAsync("clear"));
    }
}
