using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>A ticket opens new connections only until it expires; connections already open keep working.</summary>
public sealed class TicketExpiryTests(ShortTicketMesh mesh) : IClassFixture<ShortTicketMesh>
{
    [Fact]
    public async Task ExpiredTicket_IsRefused_AndTheWorkerKeepsServingItsCaller()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var ticket = ((IGhostProxy)worker).Connection.Ticket;
        Assert.True(ticket.ExpiresAt - ticket.IssuedAt <= ShortTicketMesh.TicketLifetime, $"The ticket lives from {ticket.IssuedAt:O} to {ticket.ExpiresAt:O}.");

        var untilExpired = ticket.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        await Task.Delay(untilExpired > TimeSpan.Zero ? untilExpired : TimeSpan.Zero, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<CallRefusedException>(
            () => WorkerConnection.ConnectAsync(ticket, MeshContracts.Get<ITestWorker>(), TestContext.Current.CancellationToken));

        Assert.Contains("the ticket expired at", error.Message, StringComparison.Ordinal);
        Assert.Equal("still serving", await worker.EchoAsync("still serving"));
    }
}
