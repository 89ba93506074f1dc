using System.Net.Http.Json;
using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Cli;

/// <summary>
/// x-hauki-core as an operator runs it, a process of its own against a mesh that <c>x-hauki-core up</c> runs: the
/// listings (tables and <c>--json</c>), <c>kill</c>, and each kind of failure with its own exit code and one line.
/// </summary>
public sealed class CliTests(CliMesh mesh) : IClassFixture<CliMesh>
{
    private static readonly JsonSerializerOptions Json = ControlPlaneJsonContext.Default.Options;

    [Fact]
    public async Task Nodes_ListTheMeshsLiveNode_AsATableAndAsJson()
    {
        var table = await mesh.RunAsync("nodes");
        var json = await mesh.RunAsync("nodes", "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"node-1\s+live\s+(lxc|bwrap|process)\s+0/\d+", table.Output);
        Assert.Equal(0, json.ExitCode);
        var registry = JsonSerializer.Deserialize<ServiceRegistry>(json.Output, Json)!;
        Assert.Contains(registry.Nodes, n => n.NodeId == "node-1" && n.Status == "live");
    }

    [Fact]
    public async Task Workers_ListASummonedWorker_AndKillTearsItDown_SandboxAndAll()
    {
        using var client = mesh.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        await client.PublishGemAsync(TestGem.Pack(), ct);
        var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
        var hostPid = await worker.GetProcessIdAsync();

        var listed = await mesh.RunAsync("workers", "--json");
        Assert.Equal(0, listed.ExitCode);
        var report = Assert.Single(JsonSerializer.Deserialize<List<WorkerReport>>(listed.Output, Json)!, w => w.WorkerId == workerId);
        Assert.Equal(typeof(ITestWorker).FullName, report.Contract);
        Assert.Contains(workerId, (await mesh.RunAsync("workers")).Output, StringComparison.Ordinal);

        var kill = await mesh.RunAsync("kill", workerId);

        Assert.Equal(0, kill.ExitCode);
        Assert.Contains($"Worker {workerId} torn down.", kill.Output, StringComparison.Ordinal);
        Assert.False(Processes.IsAlive(report.ProcessId), $"The worker's host process {report.ProcessId} still runs after 'kill' returned.");
        Assert.DoesNotContain(workerId, (await mesh.RunAsync("workers")).Output, StringComparison.Ordinal);
        Assert.True(hostPid > 0);
        await worker.DisposeAsync();
    }

    [Fact]
    public async Task TokenCreate_IssuesACallersKey_ThatWorksAtOnce_WithTheGrantedPermissionsOnly()
    {
        var created = await mesh.RunAsync("token", "create", "--owner", "alice", "--permission", "summon:gem");
        var key = created.Output.Trim();

        Assert.Equal(0, created.ExitCode);
        Assert.StartsWith("mesh_", key, StringComparison.Ordinal);
        Assert.Equal(0, (await CliRun.RunAsync(mesh.Gateway, key, "workers")).ExitCode);
        var nodes = await CliRun.RunAsync(mesh.Gateway, key, "nodes");
        Assert.Equal(4, nodes.ExitCode);
        Assert.Contains("refused", nodes.Output, StringComparison.Ordinal);

        // Issuing keys is the operator's alone: alice's key cannot mint itself a better one.
        var escalation = await CliRun.RunAsync(mesh.Gateway, key, "token", "create", "--owner", "alice", "--permission", "admin");
        Assert.Equal(4, escalation.ExitCode);
        Assert.DoesNotContain(key, escalation.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCreate_Join_IssuesAJoinToken_ThatAnAgentJoinsWith()
    {
        var created = await mesh.RunAsync("token", "create", "--join");
        Assert.Equal(0, created.ExitCode);
        var work = Directory.CreateTempSubdirectory("meshrpc-cli-join-").FullName;
        try
        {
            await using var agent = ChildProcess.Start("x-hauki-core.dll", new Dictionary<string, string?> { ["MESHRPC_JOIN_TOKEN"] = created.Output.Trim() },
                "agent", "--gateway", mesh.Gateway, "--node-id", "node-joined", "--work-dir", work, "--sandbox", "process");
            await agent.WaitForLineAsync("MESHRPC-LISTENING", TimeSpan.FromSeconds(60));

            Assert.True(await Poll.UntilAsync(async () => (await mesh.RunAsync("nodes")).Output.Contains("node-joined", StringComparison.Ordinal)),
                $"The agent with the new join token never joined.\n{agent.Output}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task TokenCreate_WithoutWhatToIssue_OrWithAnUnknownPermission_ExitsWith2()
    {
        var nothing = await mesh.RunAsync("token", "create");
        var unknown = await mesh.RunAsync("token", "create", "--owner", "bob", "--permission", "root");
        var joinWithPermission = await mesh.RunAsync("token", "create", "--join", "--permission", "admin");

        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("--join for a node agents' join token, or --owner NAME", nothing.Output, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'root'", unknown.Output, StringComparison.Ordinal);
        Assert.Equal(2, joinWithPermission.ExitCode);
    }

    [Fact]
    public async Task TheKeyEndpoint_RefusesAnUnknownPermission_AndAnyoneButTheOperator()
    {
        using var asOperator = TestCredentials.Http(new Uri(mesh.Gateway), mesh.OperatorKey);
        using var asNobody = TestCredentials.Http(new Uri(mesh.Gateway), null);
        var ct = TestContext.Current.CancellationToken;

        using var unknown = await asOperator.PostAsJsonAsync("/api/v2/keys", new ApiKeyRequest("bob", ["root"]), ControlPlaneJsonContext.Default.ApiKeyRequest, ct);
        using var anonymous = await asNobody.PostAsJsonAsync("/api/v2/keys", new ApiKeyRequest("bob", ["admin"]), ControlPlaneJsonContext.Default.ApiKeyRequest, ct);

        await Security.Refused.AssertAsync(unknown, System.Net.HttpStatusCode.BadRequest, MeshErrorCodes.InvalidRequest, mesh.OperatorKey);
        await Security.Refused.AssertAsync(anonymous, System.Net.HttpStatusCode.Unauthorized, MeshErrorCodes.Unauthenticated);
    }

    [Fact]
    public async Task GemPush_PublishesAFile_ThatGemLsLists_AndGemInspectReadsWithoutAGateway()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("meshrpc-cli-gem-").FullName, "shapes.gem");
        var archive = TestGem.PackShapes();
        await File.WriteAllBytesAsync(file, archive, TestContext.Current.CancellationToken);
        var digest = GemArchive.Digest(archive);
        try
        {
            var push = await mesh.RunAsync("gem", "push", file);
            var listed = await mesh.RunAsync("gem", "ls", "--json");
            var inspect = await CliRun.RunAsync("http://127.0.0.1:9", null, "gem", "inspect", file);

            Assert.Equal(0, push.ExitCode);
            Assert.Contains(digest, push.Output, StringComparison.Ordinal);
            Assert.Equal(0, listed.ExitCode);
            Assert.Contains(JsonSerializer.Deserialize<List<GemPublished>>(listed.Output, Json)!, g => g.Digest == digest);
            Assert.Equal(0, inspect.ExitCode);
            Assert.Contains(digest, inspect.Output, StringComparison.Ordinal);
            Assert.Contains(GemArchive.ReadManifest(archive).ContractHash, inspect.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public async Task AFileThatIsNoGem_OrNoFileAtAll_ExitsWith2_SayingSo()
    {
        var notAGem = Path.GetTempFileName();
        await File.WriteAllTextAsync(notAGem, "not a zip", TestContext.Current.CancellationToken);
        try
        {
            var inspect = await mesh.RunAsync("gem", "inspect", notAGem);
            var missing = await mesh.RunAsync("gem", "push", notAGem + ".missing");
            var refusedByGateway = await mesh.RunAsync("gem", "push", notAGem);

            Assert.Equal(2, inspect.ExitCode);
            Assert.Contains("is not a gem UAH CORE would take", inspect.Output, StringComparison.Ordinal);
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains(".missing", missing.Output, StringComparison.Ordinal);
            Assert.Equal(2, refusedByGateway.ExitCode);
        }
        finally
        {
            File.Delete(notAGem);
        }
    }

    [Fact]
    public async Task LogsFollow_SeesALineTheWorkerPrintsAfterItStarted_UntilTheWorkerEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.PackProbe(), ct);
        var probe = await client.SummonAsync<ISandboxProbe>(SummonRequest.FromGem(TestGem.ProbePointer), ct);
        var workerId = ((IGhostProxy)probe).Connection.Ticket.WorkerId;
        await probe.FloodOutputAsync(0, "printed before the follower");

        await using var follower = CliRun.Start(mesh.Gateway, mesh.OperatorKey, "logs", "-f", workerId);

        // The earlier line arrives first, so the follower is connected before the worker prints again.
        await follower.WaitForTextAsync("printed before the follower", TimeSpan.FromSeconds(30));
        await probe.FloodOutputAsync(0, "printed while followed");
        await follower.WaitForTextAsync("printed while followed", TimeSpan.FromSeconds(30));

        var whole = await mesh.RunAsync("logs", workerId);
        Assert.Equal(0, whole.ExitCode);
        Assert.Contains("printed while followed", whole.Output, StringComparison.Ordinal);

        // The worker's end ends the follow.
        await probe.DisposeAsync();
        Assert.Equal(0, await follower.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Logs_OfAnotherCallersWorker_OrNoWorker_AreNotFound()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.Pack(), ct);
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct);
        var eve = (await mesh.RunAsync("token", "create", "--owner", "eve")).Output.Trim();

        var asEve = await CliRun.RunAsync(mesh.Gateway, eve, "logs", ((IGhostProxy)worker).Connection.Ticket.WorkerId);
        var unknown = await mesh.RunAsync("logs", "-f", "w-0000000000000000");

        Assert.Equal(3, asEve.ExitCode);
        Assert.Contains("No worker", asEve.Output, StringComparison.Ordinal);
        Assert.Equal(3, unknown.ExitCode);
    }

    [Fact]
    public async Task TicketInspect_ShowsWhatATicketGrants_ChecksItsSignature_AndNeverPrintsItsSecret()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.Pack(), ct);
        var ticket = (await client.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(TestGem.Pointer), ct)).Ticket;
        var directory = Directory.CreateTempSubdirectory("meshrpc-cli-ticket-").FullName;
        try
        {
            var genuine = Path.Combine(directory, "ticket.json");
            var altered = Path.Combine(directory, "altered.json");
            var garbage = Path.Combine(directory, "garbage.json");
            await File.WriteAllTextAsync(genuine, JsonSerializer.Serialize(ticket, ControlPlaneJsonContext.Default.CapabilityTicket), ct);
            await File.WriteAllTextAsync(altered, JsonSerializer.Serialize(ticket with { WorkerId = "w-0000000000000000" }, ControlPlaneJsonContext.Default.CapabilityTicket), ct);
            await File.WriteAllTextAsync(garbage, "{ not json", ct);

            var valid = await mesh.RunAsync("ticket", "inspect", genuine);
            var invalid = await mesh.RunAsync("ticket", "inspect", altered);
            var unreadable = await mesh.RunAsync("ticket", "inspect", garbage);

            Assert.Equal(0, valid.ExitCode);
            Assert.Contains(ticket.WorkerId, valid.Output, StringComparison.Ordinal);
            Assert.Contains("valid: signed by this gateway's key, not expired", valid.Output, StringComparison.Ordinal);
            Assert.Equal(1, invalid.ExitCode);
            Assert.Contains("NOT VALID: the ticket is for worker " + ticket.WorkerId, invalid.Output, StringComparison.Ordinal);
            Assert.Equal(2, unreadable.ExitCode);
            Assert.All([valid, invalid, unreadable], run => Assert.DoesNotContain(ticket.Auth.Secret, run.Output, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
            await mesh.RunAsync("kill", ticket.WorkerId);
        }
    }

    [Fact]
    public async Task AnUnknownWorker_ExitsWithNotFound_InOneLine()
    {
        var kill = await mesh.RunAsync("kill", "w-0000000000000000");

        Assert.Equal(3, kill.ExitCode);
        Assert.Equal("x-hauki-core: No worker w-0000000000000000 of yours is running; it was torn down already, its node is gone, or it is not yours.", kill.Output.Trim());
    }

    [Fact]
    public async Task ABadArgument_ExitsWith2_NamingItAndTheHelp_BeforeAnythingIsSent()
    {
        var unknownOption = await mesh.RunAsync("workers", "--colour");
        var missingWorker = await mesh.RunAsync("kill");
        var badAddress = await CliRun.RunAsync("not a url", mesh.OperatorKey, "nodes", "--gateway", "ftp://x");

        Assert.Equal(2, unknownOption.ExitCode);
        Assert.Contains("'--colour'", unknownOption.Output, StringComparison.Ordinal);
        Assert.Contains("Run 'x-hauki-core workers --help' for the usage.", unknownOption.Output, StringComparison.Ordinal);
        Assert.Equal(2, missingWorker.ExitCode);
        Assert.Contains("Run 'x-hauki-core kill --help' for the usage.", missingWorker.Output, StringComparison.Ordinal);
        Assert.Equal(2, badAddress.ExitCode);
        Assert.Contains("'ftp://x' is not a gateway address", badAddress.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedCredential_ExitsWith4_AndTheKeyIsNotEchoed()
    {
        const string forged = "mesh_000000000000_00000000000000000000000000000000000000000000000000000000000000aa";
        var refused = await CliRun.RunAsync(mesh.Gateway, forged, "workers");
        var none = await CliRun.RunAsync(mesh.Gateway, null, "workers");
        var anotherMeshsKey = await CliRun.RunAsync(mesh.Gateway, TestCredentials.Caller, "nodes");

        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("refused the credential in MESHRPC_CREDENTIAL", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(forged, refused.Output, StringComparison.Ordinal);
        Assert.Equal(4, none.ExitCode);
        Assert.Contains("No credential: set MESHRPC_CREDENTIAL", none.Output, StringComparison.Ordinal);
        Assert.Equal(4, anotherMeshsKey.ExitCode);
    }

    [Fact]
    public async Task Up_OnATakenPort_FailsInOneLine_NamingThePort()
    {
        var port = new Uri(mesh.Gateway).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var second = await CliRun.RunAsync(null, null, "up", "--port", port);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"Port {port} on 127.0.0.1 is taken", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_StoppedWithSigterm_TearsDownItsWorkers_AndExitsCleanly()
    {
        var own = new CliMesh();
        await own.InitializeAsync();
        int hostPid;
        using (var client = own.CreateClient())
        {
            await client.PublishGemAsync(TestGem.Pack(), TestContext.Current.CancellationToken);
            // Forged, not connected: nothing in this process holds on to the worker.
            await client.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
            hostPid = (await client.Gateway.ListWorkersAsync(TestContext.Current.CancellationToken)).Single().ProcessId;
            Assert.True(Processes.IsAlive(hostPid));
        }

        own.Up.Terminate();
        var exitCode = await own.Up.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await own.DisposeAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("Stopping: tearing down the workers", own.Up.Output, StringComparison.Ordinal);
        Assert.False(Processes.IsAlive(hostPid), $"Worker host {hostPid} outlived 'x-hauki-core up'.");
    }

    [Fact]
    public async Task AnUnreachableGateway_ExitsWith5_SayingHowToStartOne()
    {
        var run = await CliRun.RunAsync("http://127.0.0.1:9", mesh.OperatorKey, "nodes");

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("UAH CORE at http://127.0.0.1:9/ is unreachable", run.Output, StringComparison.Ordinal);
        Assert.Contains("x-hauki-core up", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(mesh.OperatorKey, run.Output, StringComparison.Ordinal);
    }
}
