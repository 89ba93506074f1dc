using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// The mesh's compile cache, with real processes and LXC: a source compiles once (counted by the agents' logs) and is
/// summoned afterwards as the gem it became, on either node, across an agent's restart; a changed source compiles again;
/// hostile source hits a limit and the nodes keep serving.
/// </summary>
public sealed class CompileCacheTests(CompilingPair mesh) : IClassFixture<CompilingPair>
{
    [Fact]
    public async Task TheSameSource_SummonedTwice_CompilesOnce()
    {
        mesh.RequireLxc();
        using var client = mesh.CreateClient();
        var source = Unique(nameof(TheSameSource_SummonedTwice_CompilesOnce));
        var before = mesh.Compilations;

        foreach (var text in (string[])["first", "second", "third"])
        {
            await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromSource(source), TestContext.Current.CancellationToken);
            Assert.Equal("cached: " + text, await worker.EchoAsync(text));
        }

        Assert.True(mesh.Compilations == before + 1, $"Three summons of one source compiled it {mesh.Compilations - before} times.\n{mesh.Logs}");
    }

    [Fact]
    public async Task AOneCharacterChange_CompilesAgain()
    {
        mesh.RequireLxc();
        using var client = mesh.CreateClient();
        var source = Unique(nameof(AOneCharacterChange_CompilesAgain));
        var changed = source.Replace("cached: ", "cached; ", StringComparison.Ordinal);
        var before = mesh.Compilations;

        await using (var original = await client.SummonAsync<ITestWorker>(SummonRequest.FromSource(source), TestContext.Current.CancellationToken))
        {
            Assert.Equal("cached: x", await original.EchoAsync("x"));
        }

        await using var edited = await client.SummonAsync<ITestWorker>(SummonRequest.FromSource(changed), TestContext.Current.CancellationToken);

        Assert.Equal("cached; x", await edited.EchoAsync("x"));
        Assert.Equal(before + 2, mesh.Compilations);
    }

    [Fact]
    public async Task SourceCompiledOnOneNode_RunsOnTheOther_WithoutCompiling()
    {
        mesh.RequireLxc();
        using var client = mesh.CreateClient();
        var source = Unique(nameof(SourceCompiledOnOneNode_RunsOnTheOther_WithoutCompiling));
        var (beforeA, beforeB) = (mesh.CompilationsOn("node-a"), mesh.CompilationsOn("node-b"));

        var onA = await mesh.SummonOnAsync("node-a", source);
        var onB = await mesh.SummonOnAsync("node-b", source);

        Assert.Equal(("node-a", "node-b"), (onA.NodeId, onB.NodeId));
        Assert.Equal((beforeA + 1, beforeB), (mesh.CompilationsOn("node-a"), mesh.CompilationsOn("node-b")));
        await using var worker = await client.ConnectAsync<ITestWorker>(onB, TestContext.Current.CancellationToken);
        Assert.Equal("cached: on b", await worker.EchoAsync("on b"));
        await client.TeardownAsync(onA.WorkerId, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task TheCache_OutlivesAnAgentRestart()
    {
        mesh.RequireLxc();
        var source = Unique(nameof(TheCache_OutlivesAnAgentRestart));
        using var client = mesh.CreateClient();
        await client.TeardownAsync((await mesh.SummonOnAsync("node-b", source)).WorkerId, TestContext.Current.CancellationToken);

        await mesh.RestartAgentAsync("node-b");
        var again = await mesh.SummonOnAsync("node-b", source);

        Assert.Equal(0, mesh.CompilationsOn("node-b"));
        await using var worker = await client.ConnectAsync<ITestWorker>(again, TestContext.Current.CancellationToken);
        Assert.Equal("cached: back", await worker.EchoAsync("back"));
    }

    [Fact]
    public async Task SourceThatCompilesToAHugeAssembly_HitsTheOutputLimit_AndTheNodesKeepServing()
    {
        mesh.RequireLxc();
        using var client = mesh.CreateClient();

        // A few lines of constants fold into a string of a million characters: a 2 MB assembly.
        var bomb = Unique("bomb") + """
            public static class Bomb
            {
                const string A = "0123456789"; const string B = A+A+A+A+A+A+A+A+A+A; const string C = B+B+B+B+B+B+B+B+B+B;
                const string D = C+C+C+C+C+C+C+C+C+C; const string E = D+D+D+D+D+D+D+D+D+D; const string F = E+E+E+E+E+E+E+E+E+E;
                public static string Get() => F;
            }
            """;

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(SummonRequest.FromSource(bomb), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.CompileFailed, refused.Reason);
        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal("MESHC002", diagnostic.Id);
        Assert.Contains("at most 262144", diagnostic.Message, StringComparison.Ordinal);
        await AssertServesAsync(client);
    }

    [Fact]
    public async Task SourceWhoseTypesExpandForEver_HitsTheCompileDeadline_AndTheNodesKeepServing()
    {
        mesh.RequireLxc();
        using var client = mesh.CreateClient();

        // Deep<int> holds a Deep<Deep<int>>, which holds a Deep<Deep<Deep<int>>>...: the JSON generator, walking the
        // contract's types, never reaches the end.
        var expanding = Unique("expanding").Replace("Task<int> GetCountAsync();", "Task<int> GetCountAsync();\n    Task<Deep<int>> DeepAsync();", StringComparison.Ordinal)
            .Replace("public Task<int> GetCountAsync() => Task.FromResult(_count);", "public Task<int> GetCountAsync() => Task.FromResult(_count);\n    public Task<Deep<int>> DeepAsync() => Task.FromResult(new Deep<int>(1, null));", StringComparison.Ordinal)
            + "\npublic sealed record Deep<T>(T Value, Deep<Deep<T>>? Next);\n";

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(SummonRequest.FromSource(expanding), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.CompileFailed, refused.Reason);
        Assert.Contains(refused.Diagnostics, d => d.Id is "MESHC001" or "MESHC003");
        await AssertServesAsync(client);
    }

    [Fact]
    public async Task ACompiledGem_IsNeitherListedNorSummonableByItsDigest_AndNoPublishedGemPosesAsOne()
    {
        mesh.RequireLxc();
        using var client = mesh.CreateClient();
        await using (await client.SummonAsync<ITestWorker>(SummonRequest.FromSource(Unique("listed")), TestContext.Current.CancellationToken))
        {
        }

        var digests = Directory.GetFiles(mesh.CompiledIndexDirectory).Where(f => !f.EndsWith(".partial", StringComparison.Ordinal)).Select(File.ReadAllText).ToList();
        Assert.NotEmpty(digests);
        var listed = await client.Gateway.ListGemsAsync(TestContext.Current.CancellationToken);
        var byDigest = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromGem(digests[0]), TestContext.Current.CancellationToken));
        var manifest = GemArchive.ReadManifest(TestGem.Pack()) with { Name = "posing", FromSource = true };
        var posing = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.PublishGemAsync(GemArchive.Pack(manifest, [new GemFile(manifest.EntryAssembly, File.ReadAllBytes(typeof(ITestWorker).Assembly.Location))]), TestContext.Current.CancellationToken));

        Assert.DoesNotContain(listed, g => digests.Contains(g.Digest));
        Assert.Equal(SummonFailureReason.GemNotFound, byDigest.Reason);
        Assert.Equal(SummonFailureReason.InvalidRequest, posing.Reason);
        Assert.Contains("fromSource", posing.Message, StringComparison.Ordinal);
    }

    /// <summary>A source no other test summons: its comment names the test.</summary>
    private static string Unique(string test) => TestWorkerSource.Of("cached: ", test);

    private static async Task AssertServesAsync(MeshClient client)
    {
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        Assert.Equal("still", await worker.EchoAsync("still"));
    }
}
