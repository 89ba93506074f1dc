using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;
using Inventory = MeshRpc.Tests.Reflection;

namespace MeshRpc.IntegrationTests;

/// <summary>Summoning raw C# source: compiled in a sandbox of its own, with compiler errors returned to the caller.</summary>
public sealed class RawSourceTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    private static readonly string Source = TestWorkerSource.Of("from source: ");

    [Fact]
    public async Task Source_IsCompiledInASandboxOfItsOwn_AndServes_WithoutRoslynInTheAgent()
    {
        using var client = mesh.CreateClient();

        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromSource(Source), TestContext.Current.CancellationToken);

        Assert.Equal("from source: hi", await worker.EchoAsync("hi"));
        Assert.Equal(1, await worker.IncrementAsync());
        var agentMappings = await File.ReadAllTextAsync($"/proc/{mesh.AgentProcessId}/maps", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("Microsoft.CodeAnalysis", agentMappings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenSource_FailsTheSummon_WithEachCompilerErrorAndItsPosition()
    {
        using var client = mesh.CreateClient();
        var broken = Source.Replace("Interlocked.Increment(ref _count)", "Interlocked.Increment(ref _cuont)", StringComparison.Ordinal);
        var expectedLine = broken.Split('\n').Select((text, index) => (text, index)).First(l => l.text.Contains("_cuont", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromSource(broken), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.CompileFailed, error.Reason);
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("CS0103", diagnostic.Id);
        Assert.Equal("worker.cs", diagnostic.File);
        Assert.Contains("_cuont", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(expectedLine.index + 1, diagnostic.Line);
        Assert.Equal(expectedLine.text.IndexOf("_cuont", StringComparison.Ordinal) + 1, diagnostic.Column);
        Assert.Contains("CS0103", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceForAnotherContract_IsRefused_NamingTheContract()
    {
        using var client = mesh.CreateClient();

        var error = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromSource("public sealed class Nothing { }"), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.ContractMismatch, error.Reason);
        Assert.Contains("MeshRpc.TestWorker.ITestWorker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_WhoseContractHasNoJsonContext_CompilesAndServesRecords_ByReflection()
    {
        using var client = mesh.CreateClient();
        // One file, one file-scoped namespace: the implementation joins the contract's.
        var source = Resource("IInventoryWorker.cs") + "\n" + Resource("InventoryWorker.cs").Replace("namespace MeshRpc.Tests.Reflection;", "", StringComparison.Ordinal);

        await using var inventory = await client.SummonAsync<Inventory.IInventoryWorker>(SummonRequest.FromSource(source), TestContext.Current.CancellationToken);
        var placed = await inventory.PlaceAsync(new Inventory.Order(3, [new Inventory.Item("a-1", Inventory.Size.Small, 1.5m)], new() { ["a-1"] = 2 }, []));

        Assert.Equal([new Inventory.Item("gift", Inventory.Size.Small, 0m)], placed.Extras);
        Assert.Equal(2, placed.Quantities["a-1"]);
        Assert.Equal(["b-2", "c-3"], (await inventory.ItemsAsync(Inventory.Size.Large)).Select(item => item.Sku));
    }

    private static string Resource(string name)
    {
        using var stream = typeof(RawSourceTests).Assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
