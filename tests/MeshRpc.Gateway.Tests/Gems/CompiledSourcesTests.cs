using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Gems;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshRpc.Gateway.Tests.Gems;

/// <summary>What the gateway keeps of a node's answer to a source summon: only compiled source of the summoned contract, under its own key.</summary>
public sealed class CompiledSourcesTests : IDisposable
{
    private const string Toolchain = "toolchain";
    private readonly DirectoryInfo _store = Directory.CreateTempSubdirectory("meshrpc-compiled-store-");
    private readonly GemStore _gems;
    private readonly CompiledSources _compiled;
    private readonly SpawnEphemeralRequest _summon = new() { Contract = "Calc.ICalculator", ContractHash = "h1", SourceCode = "class C {}" };

    public CompiledSourcesTests()
    {
        var options = new GatewayOptions { GemStore = _store.FullName, CompiledCacheMb = 1 };
        _gems = new GemStore(options, NullLogger<GemStore>.Instance);
        _compiled = new CompiledSources(options, _gems, NullLogger<CompiledSources>.Instance);
    }

    [Fact]
    public async Task ACompiledGemOfTheSummonedContract_IsFoundForThatSource_OnThatToolchainOnly()
    {
        var archive = Gem(fromSource: true, "Calc.ICalculator", "h1", size: 10);

        await _compiled.RecordAsync(_summon, Toolchain, "node-a", Convert.ToBase64String(archive), CancellationToken.None);

        Assert.Equal(GemArchive.Digest(archive), _compiled.Find(_summon, [Toolchain])?.Digest);
        Assert.Null(_compiled.Find(_summon, ["another-toolchain"]));
        Assert.Null(_compiled.Find(_summon with { SourceCode = "class C { }" }, [Toolchain]));
        Assert.Null(_compiled.Find(_summon with { ContractHash = "h2" }, [Toolchain]));
        Assert.DoesNotContain(_gems.List(), g => g.Digest == GemArchive.Digest(archive));
    }

    public static TheoryData<string, bool, string, string> Refused => new()
    {
        { "not compiled source", false, "Calc.ICalculator", "h1" },
        { "another contract", true, "Calc.IOther", "h1" },
        { "another contract hash", true, "Calc.ICalculator", "h2" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ANodesAnswerThatIsNotCompiledSourceOfTheSummonedContract_IsNotKept(string what, bool fromSource, string contract, string hash)
    {
        var archive = Gem(fromSource, contract, hash, size: 10);

        await _compiled.RecordAsync(_summon, Toolchain, "node-a", Convert.ToBase64String(archive), CancellationToken.None);

        Assert.True(_compiled.Find(_summon, [Toolchain]) is null, what);
        Assert.Equal(0, _gems.SizeOf(GemArchive.Digest(archive)));
    }

    [Fact]
    public async Task AnAnswerThatIsNotBase64OrNotAGem_IsNotKept()
    {
        await _compiled.RecordAsync(_summon, Toolchain, "node-a", "not base64!", CancellationToken.None);
        await _compiled.RecordAsync(_summon, Toolchain, "node-a", Convert.ToBase64String("not a zip"u8.ToArray()), CancellationToken.None);

        Assert.Null(_compiled.Find(_summon, [Toolchain]));
    }

    [Fact]
    public async Task BeyondItsSize_TheLeastRecentlySummonedGo()
    {
        var sources = Enumerable.Range(0, 3).Select(i => _summon with { SourceCode = $"class C{i} {{}}" }).ToList();
        foreach (var source in sources)
        {
            // Random bytes do not compress: each gem takes about 400 KiB of the 1 MiB the cache may hold.
            await _compiled.RecordAsync(source, Toolchain, "node-a", Convert.ToBase64String(Gem(fromSource: true, "Calc.ICalculator", "h1", size: 400 << 10)), CancellationToken.None);
            Assert.NotNull(_compiled.Find(sources[0], [Toolchain]));
        }

        Assert.NotNull(_compiled.Find(sources[0], [Toolchain]));
        Assert.Null(_compiled.Find(sources[1], [Toolchain]));
        Assert.NotNull(_compiled.Find(sources[2], [Toolchain]));
    }

    public void Dispose() => _store.Delete(recursive: true);

    private static byte[] Gem(bool fromSource, string contract, string hash, int size)
    {
        var manifest = new GemManifest
        {
            Name = "source", Version = "0123456789abcdef", Contract = contract, ContractHash = hash,
            EntryAssembly = "MeshRpc.SummonedSource.dll", WorkerType = "C", FromSource = fromSource,
        };
        return GemArchive.Pack(manifest, [new GemFile(manifest.EntryAssembly, System.Security.Cryptography.RandomNumberGenerator.GetBytes(size))]);
    }
}
