using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;
using MeshRpc.Wire;

namespace MeshRpc.IntegrationTests;

/// <summary>The data plane refuses every call until the caller proves it holds the ticket.</summary>
public sealed class HandshakeTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    private static readonly MeshContract Contract = MeshContracts.Get<ITestWorker>();

    [Fact]
    public async Task CallWithoutHandshake_IsRefused_AndNeverRuns()
    {
        using var client = mesh.CreateClient();
        var ticket = (await client.SpawnAsync(Contract, SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken)).Ticket;
        try
        {
            await using var stream = await ConnectRawAsync(ticket);
            await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken);

            await Frames.WriteAsync(stream, Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":7,"method":"Increment","params":[]}"""), TestContext.Current.CancellationToken);

            using var reply = JsonDocument.Parse(await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken));
            Assert.Equal(7, reply.RootElement.GetProperty("id").GetInt32());
            var error = reply.RootElement.GetProperty("error");
            Assert.Equal(Protocol.HandshakeRefusedCode, error.GetProperty("code").GetInt32());
            Assert.Contains("has not completed the MeshRpc ticket handshake", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(0, await stream.ReadAsync(new byte[1], TestContext.Current.CancellationToken));

            await using var worker = await client.ConnectAsync<ITestWorker>(ticket, TestContext.Current.CancellationToken);
            Assert.Equal(0, await worker.GetCountAsync());
        }
        finally
        {
            await client.TeardownAsync(ticket.WorkerId, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task WrongSecret_IsRefused_AndTheWorkerKeepsServingItsCaller()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var ticket = ((IGhostProxy)worker).Connection.Ticket;
        var forged = ticket with { Auth = ticket.Auth with { Secret = Convert.ToBase64String(new byte[32]) } };

        var error = await Assert.ThrowsAsync<CallRefusedException>(() => WorkerConnection.ConnectAsync(forged, Contract, TestContext.Current.CancellationToken));

        Assert.Contains("proof does not match", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await worker.IncrementAsync());
    }

    [Fact]
    public async Task WrongContractHash_IsRefused_NamingBothHashes()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var ticket = ((IGhostProxy)worker).Connection.Ticket;
        var stale = new MeshContract<ITestWorker>(Contract.Name, "0123456789abcdef0123456789abcdef");

        var error = await Assert.ThrowsAsync<CallRefusedException>(() => WorkerConnection.ConnectAsync(ticket, stale, TestContext.Current.CancellationToken));

        Assert.Contains("0123456789abcdef0123456789abcdef", error.Message, StringComparison.Ordinal);
        Assert.Contains(Contract.Hash, error.Message, StringComparison.Ordinal);
        Assert.Equal("served", await worker.EchoAsync("served"));
    }

    [Fact]
    public async Task ForgedSignature_IsRefused_AndTheWorkerKeepsServing()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var ticket = ((IGhostProxy)worker).Connection.Ticket;
        var signature = ticket.Auth.Signature;
        var forged = ticket with { Auth = ticket.Auth with { Signature = (signature[0] == 'A' ? "B" : "A") + signature[1..] } };

        var error = await Assert.ThrowsAsync<CallRefusedException>(() => WorkerConnection.ConnectAsync(forged, Contract, TestContext.Current.CancellationToken));

        Assert.Contains("signature does not verify", error.Message, StringComparison.Ordinal);
        Assert.Equal("served", await worker.EchoAsync("served"));
    }

    [Fact]
    public async Task TicketForAnotherWorker_IsRefused_NamingBothWorkers()
    {
        using var client = mesh.CreateClient();
        await using var target = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        await using var other = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var targetTicket = ((IGhostProxy)target).Connection.Ticket;
        var otherTicket = ((IGhostProxy)other).Connection.Ticket;

        // Other's signed claims, presented at target's door under target's name.
        var misdirected = otherTicket with { WorkerId = targetTicket.WorkerId, Endpoints = targetTicket.Endpoints, Tls = targetTicket.Tls };
        var error = await Assert.ThrowsAsync<CallRefusedException>(() => WorkerConnection.ConnectAsync(misdirected, Contract, TestContext.Current.CancellationToken));

        Assert.Contains($"the ticket is for worker {otherTicket.WorkerId}, and this is worker {targetTicket.WorkerId}", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await target.IncrementAsync());
    }

    [Fact]
    public async Task ReplayedHandshake_IsRefused_BecauseEachConnectionHasItsOwnChallenge()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var ticket = ((IGhostProxy)worker).Connection.Ticket;

        // A legitimate handshake, recorded byte for byte as an eavesdropper would.
        byte[] recorded;
        await using (var stream = await ConnectRawAsync(ticket))
        {
            var challenge = JsonSerializer.Deserialize(await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken), HandshakeJsonContext.Default.ChallengeMessage)!;
            recorded = JsonSerializer.SerializeToUtf8Bytes(HandshakeRequest.For(ticket, (Contract.Name, Contract.Hash), challenge.Params.Nonce), HandshakeJsonContext.Default.HandshakeRequest);
            await Frames.WriteAsync(stream, recorded, TestContext.Current.CancellationToken);
            using var accepted = JsonDocument.Parse(await Frames.ReadAsync(stream, 64 * 1024, TestContext.Current.CancellationToken));
            Assert.True(accepted.RootElement.TryGetProperty("result", out _), accepted.RootElement.ToString());
        }

        await using var replayStream = await ConnectRawAsync(ticket);
        await Frames.ReadAsync(replayStream, 64 * 1024, TestContext.Current.CancellationToken);
        await Frames.WriteAsync(replayStream, recorded, TestContext.Current.CancellationToken);

        using var refused = JsonDocument.Parse(await Frames.ReadAsync(replayStream, 64 * 1024, TestContext.Current.CancellationToken));
        Assert.Contains("proof does not match", refused.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("still mine", await worker.EchoAsync("still mine"));
    }

    /// <summary>A bare data-plane stream to the worker (TLS with the ticket's pin where the ticket has one), with no handshake yet.</summary>
    internal static async Task<Stream> ConnectRawAsync(CapabilityTicket ticket)
    {
        var endpoint = new Uri(ticket.Endpoints.Direct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint.Host, endpoint.Port, TestContext.Current.CancellationToken);
        var stream = new NetworkStream(socket, ownsSocket: true);
        if (ticket.Tls is not { } pin)
        {
            return stream;
        }

        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "meshrpc-worker",
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && MeshRpc.Tls.WorkerCertificate.Fingerprint(certificate) == pin.Fingerprint,
        }, TestContext.Current.CancellationToken);
        return tls;
    }
}
