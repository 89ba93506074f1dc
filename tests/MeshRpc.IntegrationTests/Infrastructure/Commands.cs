namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>Programs a test runs to completion (dotnet pack, tool install, run), failing the test with their output if they fail.</summary>
internal static class Commands
{
    /// <summary>Runs <paramref name="program"/> to its exit within five minutes; asserts exit code 0 and returns what it printed.</summary>
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        await using var process = ChildProcess.StartProgram(program, arguments);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, $"'{string.Join(' ', arguments.Take(2))}' failed with exit code {exitCode}:\n{process.Output}");
        return process.Output;
    }
}
