using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;

namespace MeshRpc.Gateway.Tests.Security;

/// <summary>One key file shared by several gateways: each sees the keys the others issue, and no issue is lost.</summary>
public sealed class SharedApiKeyStoreTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("meshrpc-keys-shared-");

    private string StorePath => Path.Combine(_directory.FullName, "api-keys.json");

    [Fact]
    public void AKeyIssuedThroughOneStore_IsFoundByAnotherOnTheSameFile_AndAForgedOneIsNot()
    {
        ApiKeyStore.Create(StorePath, "operator", [MeshPermissions.Admin]);
        var first = ApiKeyStore.Load(StorePath);
        var second = ApiKeyStore.Load(StorePath);

        var key = first.Issue("carol", [MeshPermissions.SummonGem]);

        Assert.Equal("carol", second.Find(key)?.Owner);
        Assert.Null(second.Find(key[..^4] + "0000"));
    }

    [Fact]
    public async Task KeysIssuedAtOnceThroughTwoStores_AreAllKept()
    {
        ApiKeyStore.Create(StorePath, "operator", [MeshPermissions.Admin]);
        var stores = new[] { ApiKeyStore.Load(StorePath), ApiKeyStore.Load(StorePath) };

        var keys = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => stores[i % 2].Issue($"caller-{i}", [MeshPermissions.SummonGem]))));

        var reader = ApiKeyStore.Load(StorePath);
        Assert.All(keys, key => Assert.NotNull(reader.Find(key)));
    }

    [Fact]
    public void AWriterHoldingTheLockPastItsWait_StopsTheIssue_NamingTheLock_AndNothingIsIssued()
    {
        ApiKeyStore.Create(StorePath, "operator", [MeshPermissions.Admin]);
        var store = ApiKeyStore.Load(StorePath);
        var before = File.ReadAllText(StorePath);

        KeyStoreBusyException refused;
        using (new FileStream(StorePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            refused = Assert.Throws<KeyStoreBusyException>(() => store.Issue("carol", [MeshPermissions.SummonGem]));
        }

        Assert.Contains("api-keys.json.lock", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(StorePath));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
