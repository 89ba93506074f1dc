using MeshRpc.Hosting;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Cli;

/// <summary>Shell completion as bash runs it: the code <c>x-hauki-core completion bash</c> prints, asking the tool on the PATH.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CompletionTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("meshrpc-cli-path-").FullName;

    public CompletionTests()
    {
        // The tool as an installed one is found: by name, on the PATH.
        var tool = Path.Combine(_bin, "x-hauki-core");
        File.WriteAllText(tool, $"#!/bin/sh\nexec '{DotnetMuxer.Path}' '{Path.Combine(AppContext.BaseDirectory, "x-hauki-core.dll")}' \"$@\"\n");
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Theory]
    [InlineData("x-hauki-core gem p", "push")]
    [InlineData("x-hauki-core up --sandbox l", "lxc")]
    [InlineData("x-hauki-core wor", "workers")]
    public async Task Bash_CompletesVerbsAndValues_FromTheToolItself(string line, string expected)
    {
        Assert.Equal([expected], await CompleteAsync(line));
    }

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    private async Task<string[]> CompleteAsync(string line)
    {
        var words = line.Split(' ');
        var script = string.Join('\n',
            "eval \"$(x-hauki-core completion bash)\"",
            $"COMP_LINE='{line}'; COMP_POINT={line.Length}; COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}",
            "_x_hauki_core_complete",
            "printf '%s\\n' \"${COMPREPLY[@]}\"");
        await using var bash = ChildProcess.StartProgram("/bin/bash",
            new Dictionary<string, string?> { ["PATH"] = _bin + ":" + Environment.GetEnvironmentVariable("PATH") }, "-c", script);
        Assert.Equal(0, await bash.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        return bash.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
