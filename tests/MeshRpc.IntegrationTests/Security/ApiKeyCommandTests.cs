using MeshRpc.Gateway.Security;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Security;

/// <summary>The operator's <c>MeshRpc.Gateway api-key create</c>: prints a key once and stores only its hash.</summary>
public sealed class ApiKeyCommandTests
{
    [Fact]
    public async Task Create_PrintsAKey_ThatTheStoreKnowsOnlyByItsHash()
    {
        var store = Path.Combine(Directory.CreateTempSubdirectory("meshrpc-keys-").FullName, "api-keys.json");
        await using var command = ChildProcess.Start("MeshRpc.Gateway.dll", "api-key", "create", "--store", store, "--owner", "alice", "--permission", "summon:gem", "--permission", "gems:publish");

        Assert.Equal(0, await command.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var key = command.Output.Trim();

        Assert.StartsWith(ApiKeyStore.Prefix, key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(store, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var stored = ApiKeyStore.Load(store).Find(key);
        Assert.NotNull(stored);
        Assert.Equal("alice", stored.Owner);
        Assert.Equal(["summon:gem", "gems:publish"], stored.Permissions);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store));
        }
    }

    [Fact]
    public async Task Create_RefusesAnUnknownPermission_NamingTheKnownOnes()
    {
        var store = Path.Combine(Directory.CreateTempSubdirectory("meshrpc-keys-").FullName, "api-keys.json");
        await using var command = ChildProcess.Start("MeshRpc.Gateway.dll", "api-key", "create", "--store", store, "--owner", "alice", "--permission", "root");

        Assert.NotEqual(0, await command.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("summon:source", command.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(store));
    }
}
