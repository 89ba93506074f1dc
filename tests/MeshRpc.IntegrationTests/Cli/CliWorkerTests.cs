using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Cli;

/// <summary>
/// A worker's life through x-hauki-core alone, each verb a process of its own against a mesh <c>up</c> runs:
/// <c>gem build</c> (a real <c>dotnet publish</c>), <c>gem push</c>, <c>summon</c> (a gem, or raw source), <c>call</c>
/// over the ticket <c>summon</c> keeps, <c>logs -f</c>, <c>kill</c>; and each verb's failures with their exit codes.
/// </summary>
[Collection(RepositoryBuilds.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliWorkerTests(CliMesh mesh) : IClassFixture<CliMesh>, IDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(90);

    // Gems, sources and ticket copies of one test.
    private readonly string _directory = Directory.CreateTempSubdirectory("meshrpc-cli-worker-").FullName;

    // A contract and its worker in one file, as a script would send it; Greet prints, for logs -f to see.
    private const string GreeterSource = """
        using MeshRpc;

        namespace Scratch;

        [MeshWorker]
        public interface IGreeter : IAsyncDisposable
        {
            Task<string> GreetAsync(string name);
        }

        public sealed class Greeter : IGreeter
        {
            public Task<string> GreetAsync(string name)
            {
                Console.WriteLine("greeting " + name);
                return Task.FromResult("hello " + name);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
        """;

    [Fact]
    public async Task GemBuild_Push_Summon_Call_Kill_TheWholeLife_OfAGemWorker()
    {
        var file = Path.Combine(_directory, "calculator.gem");
        var build = await GemBuildAsync(Path.Combine(RepoPaths.Root, "samples", "Quickstart.Worker"), "--name", "calculator-cli", "--version", "2.0.0", "-o", file, "--json");
        Assert.True(build.ExitCode == 0, build.Output);
        var manifest = GemArchive.ReadManifest(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
        Assert.Equal("Quickstart.Contract.ICalculator", manifest.Contract);
        Assert.Equal(MeshContracts.Get<Quickstart.Contract.ICalculator>().Hash, manifest.ContractHash);
        Assert.Equal("Quickstart.Worker.Calculator", manifest.WorkerType);
        using (var archive = System.IO.Compression.ZipFile.OpenRead(file))
        {
            // The worker host ships MeshRpc and its dependencies; the gem carries the worker's own assemblies only.
            Assert.Equal(["Quickstart.Contract.dll", "Quickstart.Worker.dll", GemManifest.FileName], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }

        Assert.Equal(0, (await mesh.RunAsync("gem", "push", file)).ExitCode);

        await using var summon = CliRun.Start(mesh.Gateway, mesh.OperatorKey, "summon", "gem://calculator-cli@2.0.0", "--json");
        var worker = await SummonedAsync(summon);
        // The ticket's secret lets its reader call the worker: its file and directory are the user's alone.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CliRun.TicketFile(worker.WorkerId)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(CliRun.TicketFile(worker.WorkerId))!));

        var add = await mesh.RunAsync("call", worker.WorkerId, "Add", "[2, 3]");
        Assert.Equal(0, add.ExitCode);
        Assert.Equal("5", add.Output.Trim());

        var listed = JsonSerializer.Deserialize<List<WorkerReport>>((await mesh.RunAsync("workers", "--json")).Output, ControlPlaneJsonContext.Default.Options)!;
        var hostPid = Assert.Single(listed, w => w.WorkerId == worker.WorkerId).ProcessId;

        Assert.Equal(0, (await mesh.RunAsync("kill", worker.WorkerId)).ExitCode);

        Assert.False(Processes.IsAlive(hostPid), $"The worker's host process {hostPid} still runs after 'kill' returned.");
        Assert.Empty(Processes.WithCommandLineContaining([worker.WorkerId]));
        Assert.Equal(0, await summon.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"Worker {worker.WorkerId} has ended", summon.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(CliRun.TicketFile(worker.WorkerId)), "The ticket of a worker that ended is still on disk.");
    }

    [Fact]
    public async Task SummonSource_ThenCall_AndLogsFollowSeesWhatTheCallPrinted_ThenSigtermTearsItDown()
    {
        await using var summon = CliRun.Start(mesh.Gateway, mesh.OperatorKey, "summon", "--source", await SourceFileAsync(GreeterSource), "--json");
        var worker = await SummonedAsync(summon);
        Assert.Equal("Scratch.IGreeter", worker.Contract);
        await using var follower = CliRun.Start(mesh.Gateway, mesh.OperatorKey, "logs", "-f", worker.WorkerId);

        var greet = await mesh.RunAsync("call", worker.WorkerId, "Greet", "[\"ann\"]");

        Assert.Equal(0, greet.ExitCode);
        Assert.Equal("\"hello ann\"", greet.Output.Trim());
        await follower.WaitForTextAsync("greeting ann", TimeSpan.FromSeconds(30));

        var hostPid = JsonSerializer.Deserialize<List<WorkerReport>>((await mesh.RunAsync("workers", "--json")).Output, ControlPlaneJsonContext.Default.Options)!
            .Single(w => w.WorkerId == worker.WorkerId).ProcessId;
        summon.Terminate();
        Assert.Equal(0, await summon.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"Worker {worker.WorkerId} torn down.", summon.Output, StringComparison.Ordinal);
        Assert.False(Processes.IsAlive(hostPid), $"The worker's host process {hostPid} outlived its 'summon'.");
        Assert.Equal(0, await follower.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Summon_SaysWhatIsWrong_WithTheExitCodeOfEachKindOfFailure()
    {
        var broken = await SourceFileAsync(GreeterSource.Replace("\"hello \" + name", "nope", StringComparison.Ordinal), "Broken.cs");
        var noContract = await SourceFileAsync("public sealed class Lonely { }", "Lonely.cs");
        var callerOnly = (await mesh.RunAsync("token", "create", "--owner", "bob")).Output.Trim();

        var nothing = await mesh.RunAsync("summon");
        var notAPointer = await mesh.RunAsync("summon", "gem:/calculator");
        var unknownGem = await mesh.RunAsync("summon", "gem://no-such-gem@1.0.0");
        var compileError = await mesh.RunAsync("summon", "--source", broken);
        var contractless = await mesh.RunAsync("summon", "--source", noContract);
        var forbidden = await CliRun.RunAsync(mesh.Gateway, callerOnly, "summon", "--source", await SourceFileAsync(GreeterSource));
        var unreachable = await CliRun.RunAsync("http://127.0.0.1:9", mesh.OperatorKey, "summon", "gem://no-such-gem@1.0.0");

        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("Name what to summon", nothing.Output, StringComparison.Ordinal);
        Assert.Equal(2, notAPointer.ExitCode);
        Assert.Equal(3, unknownGem.ExitCode);
        Assert.Contains("No gem gem://no-such-gem@1.0.0 is published", unknownGem.Output, StringComparison.Ordinal);
        Assert.Equal(2, compileError.ExitCode);
        Assert.Contains("CS0103", compileError.Output, StringComparison.Ordinal);
        Assert.Equal(2, contractless.ExitCode);
        Assert.Contains("declares no [MeshWorker] interface", contractless.Output, StringComparison.Ordinal);
        Assert.Equal(4, forbidden.ExitCode);
        Assert.DoesNotContain(callerOnly, forbidden.Output, StringComparison.Ordinal);
        Assert.Equal(5, unreachable.ExitCode);
    }

    [Fact]
    public async Task Call_SaysWhatIsWrong_WithTheExitCodeOfEachKindOfFailure_AndNeverPrintsTheSecret()
    {
        await using var summon = CliRun.Start(mesh.Gateway, mesh.OperatorKey, "summon", "--source", await SourceFileAsync(GreeterSource), "--json");
        var worker = await SummonedAsync(summon);
        var ticket = JsonSerializer.Deserialize(await File.ReadAllTextAsync(CliRun.TicketFile(worker.WorkerId), TestContext.Current.CancellationToken), ControlPlaneJsonContext.Default.CapabilityTicket)!;
        var forged = Path.Combine(_directory, "forged.json");
        var stale = Path.Combine(_directory, "stale.json");
        await File.WriteAllTextAsync(forged, JsonSerializer.Serialize(ticket with { Auth = ticket.Auth with { Secret = Convert.ToBase64String(new byte[32]) } }, ControlPlaneJsonContext.Default.CapabilityTicket), TestContext.Current.CancellationToken);
        File.Copy(CliRun.TicketFile(worker.WorkerId), stale);

        var notJson = await mesh.RunAsync("call", worker.WorkerId, "Greet", "{");
        var unknownWorker = await mesh.RunAsync("call", "w-0000000000000000", "Greet", "[\"x\"]");
        var unknownMethod = await mesh.RunAsync("call", worker.WorkerId, "Shout", "[\"x\"]");
        var wrongArguments = await mesh.RunAsync("call", worker.WorkerId, "Greet", "[1, 2]");
        var refused = await mesh.RunAsync("call", worker.WorkerId, "Greet", "[\"x\"]", "--ticket", forged);
        Assert.Equal(0, (await mesh.RunAsync("kill", worker.WorkerId)).ExitCode);
        var gone = await mesh.RunAsync("call", worker.WorkerId, "Greet", "[\"x\"]", "--ticket", stale);

        Assert.Equal(2, notJson.ExitCode);
        Assert.Contains("is not a JSON array of arguments", notJson.Output, StringComparison.Ordinal);
        Assert.Equal(3, unknownWorker.ExitCode);
        Assert.Contains("No ticket for worker w-0000000000000000", unknownWorker.Output, StringComparison.Ordinal);
        Assert.Equal(3, unknownMethod.ExitCode);
        Assert.Contains("has no method 'Shout'", unknownMethod.Output, StringComparison.Ordinal);
        Assert.Equal(3, wrongArguments.ExitCode);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("proof does not match", refused.Output, StringComparison.Ordinal);
        Assert.Equal(5, gone.ExitCode);
        Assert.All([notJson, unknownWorker, unknownMethod, wrongArguments, refused, gone], run => Assert.DoesNotContain(ticket.Auth.Secret, run.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Call_ToAMethodThatThrows_ExitsWith1_NamingTheRemoteException()
    {
        var thrower = GreeterSource.Replace("return Task.FromResult(\"hello \" + name);", "throw new InvalidOperationException(\"no greetings today\");", StringComparison.Ordinal);
        await using var summon = CliRun.Start(mesh.Gateway, mesh.OperatorKey, "summon", "--source", await SourceFileAsync(thrower), "--json");
        var worker = await SummonedAsync(summon);

        var threw = await mesh.RunAsync("call", worker.WorkerId, "Greet", "[\"ann\"]");

        Assert.Equal(1, threw.ExitCode);
        Assert.Contains("threw System.InvalidOperationException: no greetings today", threw.Output, StringComparison.Ordinal);
        summon.Terminate();
        Assert.Equal(0, await summon.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task GemBuild_OfNoProject_OrOfAProjectWithoutAWorker_SaysSo()
    {
        var noProject = await GemBuildAsync(Path.Combine(RepoPaths.Root, "docs"));
        var contractOnly = await GemBuildAsync(Path.Combine(RepoPaths.Root, "samples", "Quickstart.Contract"), "-o", Path.Combine(_directory, "never.gem"));

        Assert.Equal(2, noProject.ExitCode);
        Assert.Contains("is not a project", noProject.Output, StringComparison.Ordinal);
        Assert.Equal(1, contractOnly.ExitCode);
        Assert.Contains("has no worker", contractOnly.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "never.gem")));
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A publish takes half a minute here, longer while other tests load the machine.
    private static async Task<CliRun> GemBuildAsync(params string[] arguments)
    {
        await using var build = CliRun.Start(null, null, ["gem", "build", .. arguments]);
        return new CliRun(await build.WaitForExitAsync(TimeSpan.FromMinutes(5)), build.Output);
    }

    private static async Task<SummonedWorker> SummonedAsync(ChildProcess summon)
    {
        var line = await summon.WaitForTextAsync("\"workerId\"", UpTimeout);
        return JsonSerializer.Deserialize<SummonedWorker>(line, JsonSerializerOptions.Web)!;
    }

    private async Task<string> SourceFileAsync(string source, string name = "Worker.cs")
    {
        var file = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(file, source, TestContext.Current.CancellationToken);
        return file;
    }

    /// <summary>What <c>summon --json</c> prints once the worker is up.</summary>
    private sealed record SummonedWorker(string WorkerId, string Contract, string NodeId, string TicketFile);
}
