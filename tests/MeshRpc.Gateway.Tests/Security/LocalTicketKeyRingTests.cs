using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Security;

namespace MeshRpc.Gateway.Tests.Security;

/// <summary>One gateway's ticket keys: a rotation keeps the key before it, the file keeps the latest across restarts.</summary>
public sealed class LocalTicketKeyRingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("meshrpc-keys-").FullName;

    [Fact]
    public async Task ARotation_KeepsThePreviousKey_DropsTheOneBefore_AndTheFileHoldsTheCurrent()
    {
        var options = new GatewayOptions { TicketKey = Path.Combine(_folder, "ticket-key.pem") };
        var ring = new LocalTicketKeyRing(options);
        var first = ring.Current.KeyId;

        var second = await ring.RotateAsync(TestContext.Current.CancellationToken);
        Assert.Equal([second.KeyId, first], ring.Keys.Select(k => k.KeyId));
        Assert.NotNull(ring.Find(first));

        var third = await ring.RotateAsync(TestContext.Current.CancellationToken);
        Assert.Equal([third.KeyId, second.KeyId], ring.Keys.Select(k => k.KeyId));
        Assert.Null(ring.Find(first));

        // Restarted, the gateway signs with the key it rotated to last.
        Assert.Equal(third.KeyId, new LocalTicketKeyRing(options).Current.KeyId);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
