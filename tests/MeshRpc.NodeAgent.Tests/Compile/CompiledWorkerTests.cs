using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Compile;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.TestWorker;

namespace MeshRpc.NodeAgent.Tests.Compile;

/// <summary>What the agent accepts from a compile sandbox: read as metadata only, checked against the summon, packed as a gem.</summary>
public sealed class CompiledWorkerTests
{
    private static readonly string Key = new('a', 64);
    private static readonly MeshContract Contract = MeshContracts.Get<ITestWorker>();
    private static readonly byte[] Image = File.ReadAllBytes(typeof(ITestWorker).Assembly.Location);

    [Fact]
    public void AnAssemblyWithTheContractAndOneWorker_IsPackedAsACompiledGem()
    {
        var (archive, manifest) = CompiledWorker.Pack(Image, Contract.Name, Contract.Hash, Key);

        Assert.True(manifest.FromSource);
        Assert.Equal(typeof(MeshRpc.TestWorker.TestWorker).FullName, manifest.WorkerType);
        Assert.Equal(Contract.Hash, manifest.ContractHash);
        Assert.Equal(manifest, GemArchive.ReadManifest(archive));
        Assert.Equal(GemArchive.Digest(archive), GemArchive.Digest(CompiledWorker.Pack(Image, Contract.Name, Contract.Hash, Key).Archive));
    }

    [Fact]
    public void ACallerWithAnotherHash_IsRefusedNamingBoth()
    {
        var refused = Assert.Throws<ForgeException>(() => CompiledWorker.Pack(Image, Contract.Name, "0000", Key));

        Assert.Equal(MeshErrorCodes.ContractMismatch, refused.Code);
        Assert.Contains(Contract.Hash, refused.Message, StringComparison.Ordinal);
        Assert.Contains("0000", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAssemblyWithoutTheContract_IsRefusedNamingIt()
    {
        var refused = Assert.Throws<ForgeException>(() => CompiledWorker.Pack(Image, "Some.Other.IContract", Contract.Hash, Key));

        Assert.Equal(MeshErrorCodes.ContractMismatch, refused.Code);
        Assert.Contains("exactly one class implementing Some.Other.IContract", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BytesThatAreNoAssembly_AreRefused()
    {
        var refused = Assert.Throws<ForgeException>(() => CompiledWorker.Pack([0x4d, 0x5a, 1, 2, 3], Contract.Name, Contract.Hash, Key));

        Assert.Equal(MeshErrorCodes.ForgeFailed, refused.Code);
        Assert.Contains("does not read as one", refused.Message, StringComparison.Ordinal);
    }
}
