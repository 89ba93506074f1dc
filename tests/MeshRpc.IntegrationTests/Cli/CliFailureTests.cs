using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Cli;

/// <summary>
/// Every verb that talks to UAH CORE, against each way that can fail: a credential it refuses, none at all, a gateway
/// that is not there, an option it does not have, and (for the verbs that name one) a worker that does not exist. Each
/// is one line with its own exit code, and never echoes the credential.
/// </summary>
public sealed class CliFailureTests(CliMesh mesh) : IClassFixture<CliMesh>, IAsyncLifetime
{
    private const string Forged = "mesh_000000000000_00000000000000000000000000000000000000000000000000000000000000aa";
    private const string NoSuchWorker = "w-0000000000000000";

    // Files the verbs that read one are given, so that what fails is the gateway's answer, not the file.
    private readonly string _directory = Directory.CreateTempSubdirectory("meshrpc-cli-failures-").FullName;

    private string GemFile => Path.Combine(_directory, "test.gem");

    private string TicketFile => Path.Combine(_directory, "ticket.json");

    /// <summary>Each verb that needs the gateway, with arguments that would otherwise be good.</summary>
    public static TheoryData<string> GatewayVerbs =>
    [
        "nodes", "workers", "pool", "token create --owner carol", "gem push {gem}", "gem ls", "summon gem://no-such-gem@1.0.0",
        $"logs {NoSuchWorker}", $"logs -f {NoSuchWorker}", $"kill {NoSuchWorker}", "ticket inspect {ticket}",
    ];

    /// <summary>Each verb that names a worker.</summary>
    public static TheoryData<string> WorkerVerbs => [$"logs {NoSuchWorker}", $"logs -f {NoSuchWorker}", $"kill {NoSuchWorker}", $"call {NoSuchWorker} Add [1,2]"];

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllBytesAsync(GemFile, TestGem.Pack(), TestContext.Current.CancellationToken);
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.Pack(), TestContext.Current.CancellationToken);
        var ticket = (await client.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken)).Ticket;
        await client.TeardownAsync(ticket.WorkerId, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(TicketFile, JsonSerializer.Serialize(ticket, ControlPlaneJsonContext.Default.CapabilityTicket), TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(GatewayVerbs))]
    public async Task ACredentialTheGatewayRefuses_OrNone_ExitsWith4_WithoutEchoingIt(string verb)
    {
        var refused = await CliRun.RunAsync(mesh.Gateway, Forged, Arguments(verb));
        var none = await CliRun.RunAsync(mesh.Gateway, null, Arguments(verb));

        AssertOneLine(refused, 4, "refused the credential in MESHRPC_CREDENTIAL");
        Assert.DoesNotContain(Forged, refused.Output, StringComparison.Ordinal);
        AssertOneLine(none, 4, "No credential: set MESHRPC_CREDENTIAL");
    }

    [Theory]
    [MemberData(nameof(GatewayVerbs))]
    public async Task AnUnreachableGateway_ExitsWith5_SayingHowToStartOne(string verb)
    {
        var run = await CliRun.RunAsync("http://127.0.0.1:9", mesh.OperatorKey, Arguments(verb));

        AssertOneLine(run, 5, "UAH CORE at http://127.0.0.1:9/ is unreachable");
        Assert.DoesNotContain(mesh.OperatorKey, run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(GatewayVerbs))]
    public async Task AnOptionTheVerbDoesNotHave_ExitsWith2_NamingItAndTheHelp(string verb)
    {
        var run = await mesh.RunAsync([.. Arguments(verb), "--colour"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'--colour'", run.Output, StringComparison.Ordinal);
        Assert.Contains("--help' for the usage.", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WorkerVerbs))]
    public async Task AWorkerThatDoesNotExist_ExitsWith3(string verb)
    {
        var run = await mesh.RunAsync(Arguments(verb));

        AssertOneLine(run, 3, NoSuchWorker);
    }

    private string[] Arguments(string verb) => verb.Replace("{gem}", GemFile, StringComparison.Ordinal).Replace("{ticket}", TicketFile, StringComparison.Ordinal).Split(' ');

    private static void AssertOneLine(CliRun run, int exitCode, string text)
    {
        Assert.True(run.ExitCode == exitCode, $"Exit code {run.ExitCode}, not {exitCode}:\n{run.Output}");
        var line = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("x-hauki-core: ", line, StringComparison.Ordinal);
        Assert.Contains(text, line, StringComparison.Ordinal);
    }
}
