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
            using var tcp = await ConnectRawAsync(ticket);
            var stream = tcp.GetStream();
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
        var stale = new MeshContract<ITestWorker>(Contract.Name, "0123456789abcdef0123456789abcdef", _ => worker, (_, _) => { });

        var error = await Assert.ThrowsAsync<CallRefusedException>(() => WorkerConnection.ConnectAsync(ticket, stale, TestContext.Current.CancellationToken));

        Assert.Contains("0123456789abcdef0123456789abcdef", error.Message, StringComparison.Ordinal);
        Assert.Contains(Contract.Hash, error.Message, StringComparison.Ordinal);
        Assert.Equal("served", await worker.EchoAsync("served"));
    }

    private static async Task<TcpClient> ConnectRawAsync(CapabilityTicket ticket)
    {
        var endpoint = new Uri(ticket.Endpoints.Direct);
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port, TestContext.Current.CancellationToken);
        return tcp;
    }
}
