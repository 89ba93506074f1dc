using System.Text.Json;
using MeshRpc.HostProtocol;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.NodeAgent.Compile;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// The worker host as a compiler (<c>--compiler</c>), driven through its standard input and output as the node agent
/// drives it in a compile sandbox (a real process): one instruction in, one answer out, never loading what it compiled.
/// </summary>
public sealed class CompilerHostTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(90);

    private static readonly string Source = TestWorkerSource.Of(string.Empty);

    [Fact]
    public async Task Source_ComesBackAsTheSameAssembly_FromAColdAndAPooledCompiler_AndTheAgentAcceptsIt()
    {
        var cold = await CompileAsync(Source, pooled: false);
        var pooled = await CompileAsync(Source, pooled: true);

        Assert.Null(cold.Diagnostics);
        Assert.Equal(cold.Assembly, pooled.Assembly);
        var contract = MeshContracts.Get<ITestWorker>();
        var (_, manifest) = CompiledWorker.Pack(Convert.FromBase64String(cold.Assembly!), contract.Name, contract.Hash, new string('0', 64));
        Assert.Equal("MeshRpc.TestWorker.SourceWorker", manifest.WorkerType);
    }

    [Fact]
    public async Task BrokenSource_ComesBackAsTheCompilersErrors_WithPositions_AndNoPathOfTheNode()
    {
        var broken = Source.Replace("+ text)", "+ txet)", StringComparison.Ordinal);
        var line = broken.Split('\n').Select((text, index) => (text, index)).First(l => l.text.Contains("txet", StringComparison.Ordinal));

        var (answer, text) = await AnswerAsync(broken, pooled: false);

        Assert.Null(answer.Assembly);
        var diagnostic = Assert.Single(answer.Diagnostics!);
        Assert.Equal(("CS0103", "worker.cs", line.index + 1, line.text.IndexOf("txet", StringComparison.Ordinal) + 1), (diagnostic.Id, diagnostic.File, diagnostic.Line, diagnostic.Column));
        Assert.DoesNotContain(WorkerHostCommand.HostDirectory, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAssemblyOverTheLimit_IsRefusedNamingIt()
    {
        var answer = await CompileAsync(Source, pooled: false, maxOutputBytes: 1024);

        Assert.Null(answer.Assembly);
        var diagnostic = Assert.Single(answer.Diagnostics!);
        Assert.Equal("MESHC002", diagnostic.Id);
        Assert.Contains("at most 1024", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInstructionThatIsNotJson_IsRefused()
    {
        await using var compiler = ChildProcess.Start(WorkerHostCommand.HostAssembly, "--compiler");
        await compiler.Input.WriteLineAsync("not json".AsMemory(), TestContext.Current.CancellationToken);
        await compiler.Input.FlushAsync(TestContext.Current.CancellationToken);

        var answer = JsonSerializer.Deserialize("{" + await compiler.WaitForLineAsync("{", AnswerTimeout), WorkerHostJsonContext.Default.CompileResult)!;

        Assert.Contains("not valid JSON", answer.Error, StringComparison.Ordinal);
        Assert.Equal(2, await compiler.WaitForExitAsync(AnswerTimeout));
    }

    private static async Task<CompileResult> CompileAsync(string source, bool pooled, int maxOutputBytes = 1 << 20) =>
        (await AnswerAsync(source, pooled, maxOutputBytes)).Answer;

    private static async Task<(CompileResult Answer, string Text)> AnswerAsync(string source, bool pooled, int maxOutputBytes = 1 << 20)
    {
        await using var compiler = ChildProcess.Start(WorkerHostCommand.HostAssembly, pooled ? ["--compiler", "--pooled"] : ["--compiler"]);
        var instruction = new CompileInstruction { SourceCode = source, TimeoutMs = 60_000, MaxOutputBytes = maxOutputBytes };
        await compiler.Input.WriteLineAsync(JsonSerializer.Serialize(instruction, WorkerHostJsonContext.Default.CompileInstruction).AsMemory(), TestContext.Current.CancellationToken);
        await compiler.Input.FlushAsync(TestContext.Current.CancellationToken);

        var text = "{" + await compiler.WaitForLineAsync("{", AnswerTimeout);
        await compiler.WaitForExitAsync(AnswerTimeout);
        return (JsonSerializer.Deserialize(text, WorkerHostJsonContext.Default.CompileResult)!, text);
    }
}
