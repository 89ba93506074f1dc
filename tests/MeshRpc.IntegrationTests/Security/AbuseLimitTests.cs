using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Security;

/// <summary>A mesh with tight abuse limits: a summon rate of 1 a second (3 at once), 2 workers per caller, gems unpacking to 16 MiB, compiling for 3 s.</summary>
public sealed class LimitedMesh : MeshProcesses
{
    protected override IEnumerable<string> GatewayArguments =>
        ["--summon-rate", "1", "--summon-burst", "3", "--max-workers-per-caller", "2", "--max-gem-unpacked-mb", "16"];

    protected override IEnumerable<string> AgentArguments => ["--compile-timeout-ms", "3000"];
}

/// <summary>Floods, hoards, oversized and never-ending input and hostile gem archives: each refused, naming the limit, while others keep being served.</summary>
public sealed class AbuseLimitTests(LimitedMesh mesh) : IClassFixture<LimitedMesh>
{
    [Fact]
    public async Task SummonFlood_OverTheRate_Is429WithRetryAfter_ForThatCallerOnly()
    {
        using var flooder = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Caller);
        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await flooder.PostAsJsonAsync("/api/v2/swarm_spawn_ephemeral", Summon("gem://no-such-gem@1.0.0"), ControlPlaneJsonContext.Default.SpawnEphemeralRequest, TestContext.Current.CancellationToken));
        }

        var limited = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.True(statuses.Count(r => r.StatusCode == HttpStatusCode.NotFound) <= 4, "More summons than the burst and a second's rate got through.");
        var detail = await Refused.AssertAsync(limited[0], HttpStatusCode.TooManyRequests, MeshErrorCodes.RateLimited);
        Assert.Contains("faster than its rate", detail, StringComparison.Ordinal);
        Assert.True(int.Parse(limited[0].Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

        // Another caller is not held back by this one's flood.
        using var other = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.OtherCaller);
        await using (var served = await other.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken))
        {
            Assert.Equal("served", await served.EchoAsync("served"));
        }

        statuses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task ACallerAtItsWorkerQuota_IsRefused_UntilItTearsOneDown()
    {
        using var client = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.GemOnlyCaller);
        var first = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        await using var second = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.TooManyRequests, refused.Reason);
        Assert.Contains("its quota", refused.Message, StringComparison.Ordinal);
        Assert.Equal("kept", await first.EchoAsync("kept"));
        await first.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.1), TestContext.Current.CancellationToken);
        await using var third = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        Assert.Equal("room again", await third.EchoAsync("room again"));
    }

    [Fact]
    public async Task ATenMegabyteSource_IsRefused_NamingTheLimit()
    {
        using var client = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.OtherCaller);
        var huge = "// " + new string('x', 10 << 20);

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(SummonRequest.FromSource(huge), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.InvalidRequest, refused.Reason);
        Assert.Contains("accepts at most 1048576", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequestBodyOverTheLimit_Is413_BeforeItIsRead()
    {
        // Declared, not sent: the gateway must refuse on the declaration rather than read 20 MiB first.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(mesh.GatewayAddress.Host, mesh.GatewayAddress.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        var head = $"POST /api/v2/swarm_spawn_ephemeral HTTP/1.1\r\nHost: {mesh.GatewayAddress.Authority}\r\nAuthorization: Bearer {TestCredentials.OtherCaller}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {20 << 20}\r\n\r\n{{";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith("HTTP/1.1 413", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceThatNeverFinishesCompiling_IsStoppedAtTheDeadline()
    {
        SandboxSupport.Require(mesh, "lxc");

        // A caller of its own: the other tests here spend OtherCaller's burst of 3 (the 10 MiB source and the declared
        // 20 MiB body count against its rate), and in a fast run this summon was the fourth within a second (429).
        using var client = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.Admin);

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(SummonRequest.FromSource(ExponentialSource(depth: 40)), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.CompileFailed, refused.Reason);
        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal("MESHC001", diagnostic.Id);
        Assert.Contains("longer than 3 s", diagnostic.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> HostileArchives => ["parent-path", "absolute-path", "symbolic-link", "setuid", "decompression-bomb"];

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public async Task AHostileGemArchive_IsRefusedAtPublish(string kind)
    {
        using var client = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.Caller);
        var archive = HostileGem(kind);

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => client.PublishGemAsync(archive, TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.InvalidRequest, refused.Reason);
        Assert.Contains(kind == "decompression-bomb" ? "decompression bomb" : kind is "symbolic-link" or "setuid" ? "plain files only" : "not a plain file name", refused.Message, StringComparison.Ordinal);
    }

    // Each lambda binds against both overloads of M, so binding the nest takes 2^depth steps.
    private static string ExponentialSource(int depth)
    {
        var body = new StringBuilder("{ }");
        for (var i = depth; i > 0; i--)
        {
            body.Insert(0, $"M(x{i} => ").Append(')');
        }

        return $$"""
            public sealed class Slow
            {
                static void M(System.Action<int> a) { }
                static void M(System.Action<string> a) { }
                static void Run() { {{body}}; }
            }
            """;
    }

    private static SpawnEphemeralRequest Summon(string gem)
    {
        var contract = MeshContracts.Get<ITestWorker>();
        return new SpawnEphemeralRequest { Contract = contract.Name, ContractHash = contract.Hash, Gem = gem };
    }

    private static byte[] HostileGem(string kind)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var manifest = zip.CreateEntry(GemManifest.FileName);
            using (var writer = new StreamWriter(manifest.Open()))
            {
                writer.Write("""{"name":"hostile","version":"1.0.0","contract":"C","contractHash":"h","entryAssembly":"w.dll","workerType":"W"}""");
            }

            var (name, mode) = kind switch
            {
                "parent-path" => ("../w.dll", 0),
                "absolute-path" => ("/etc/cron.d/w.dll", 0),
                "symbolic-link" => ("w.dll", 0xA1FF),
                "setuid" => ("w.dll", 0x89ED),
                _ => ("w.dll", 0),
            };
            var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
            if (mode != 0)
            {
                entry.ExternalAttributes = mode << 16;
            }

            using var content = entry.Open();
            if (kind == "decompression-bomb")
            {
                // 64 MiB of zeros: a few hundred KiB packed, four times what this gateway lets a gem unpack to.
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 64; i++)
                {
                    content.Write(zeros);
                }
            }
            else
            {
                content.Write("/etc/shadow"u8);
            }
        }

        return buffer.ToArray();
    }
}
