using System.Text.Json;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;

namespace MeshRpc.WorkerHost;

/// <summary>
/// The host as a compiler (<c>--compiler</c>): reads one <see cref="CompileInstruction"/> line on standard input,
/// compiles it, prints one <see cref="CompileResult"/> line, and exits. A pooled compiler (<c>--pooled</c>) first
/// rehearses a compilation, so Roslyn's code is compiled and its references read before a summon's source arrives.
/// </summary>
internal static class CompilerProcess
{
    public static async Task<int> RunAsync(bool pooled)
    {
        if (pooled)
        {
            CompilerRehearsal.Run();
        }

        CompileInstruction? instruction;
        try
        {
            instruction = await Console.In.ReadLineAsync() is { } line
                ? JsonSerializer.Deserialize(line, WorkerHostJsonContext.Default.CompileInstruction)
                : null;
        }
        catch (JsonException ex)
        {
            return Report(new CompileResult { Error = $"The compile instruction on standard input is not valid JSON: {ex.Message}" });
        }

        if (instruction is null)
        {
            return Report(new CompileResult { Error = "No compile instruction arrived on standard input; the node agent writes it there as one JSON line." });
        }

        try
        {
            var image = SourceCompiler.Compile(instruction.SourceCode, TimeSpan.FromMilliseconds(instruction.TimeoutMs), instruction.MaxOutputBytes);
            return Report(new CompileResult { Assembly = Convert.ToBase64String(image) });
        }
        catch (SourceCompileException ex)
        {
            return Report(new CompileResult { Diagnostics = ex.Diagnostics });
        }
    }

    private static int Report(CompileResult result)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(result, WorkerHostJsonContext.Default.CompileResult));
        Console.Out.Flush();
        return result.Assembly is null ? WorkerHostProcess.CouldNotStart : WorkerHostProcess.Stopped;
    }
}
