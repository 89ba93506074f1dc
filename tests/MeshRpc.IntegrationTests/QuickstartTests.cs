using System.Text.Json;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests;

public sealed class QuickstartTests
{
    [Fact]
    public async Task Json_ExitsZero_WithRightResults_AndLeavesNoProcessBehind()
    {
        await using var quickstart = ChildProcess.Start("Quickstart.dll", "--json");

        var exitCode = await quickstart.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"The quick start exited with {exitCode}:\n{quickstart.Output}");
        var json = quickstart.Output[quickstart.Output.IndexOf('{', StringComparison.Ordinal)..];
        using var report = JsonDocument.Parse(json);
        var sandbox = report.RootElement.GetProperty("sandbox").GetString();
        Assert.NotEqual("unknown", sandbox);
        if (SandboxSupport.Required)
        {
            // By default the quick start takes the best sandbox the machine offers, and CI's machine offers LXC.
            Assert.Equal("lxc", sandbox);
        }

        Assert.Equal(["mesh", "publish"], report.RootElement.GetProperty("phases").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var summons = report.RootElement.GetProperty("summons").EnumerateArray().ToList();
        Assert.Equal(["gem", "source"], summons.Select(s => s.GetProperty("kind").GetString()));
        Assert.NotEqual(summons[0].GetProperty("traceId").GetString(), summons[1].GetProperty("traceId").GetString());
        foreach (var summon in summons)
        {
            var results = summon.GetProperty("results");
            Assert.Equal(5, results.GetProperty("add").GetInt32());
            Assert.Equal(42, results.GetProperty("divide").GetInt32());
            Assert.Equal("System.DivideByZeroException", results.GetProperty("remoteErrorType").GetString());
            Assert.True(summon.GetProperty("workerProcessGone").GetBoolean());
            Assert.StartsWith("w-", summon.GetProperty("workerId").GetString(), StringComparison.Ordinal);
            Assert.Matches("^[0-9a-f]{32}$", summon.GetProperty("traceId").GetString());
            Assert.Equal("node-1", summon.GetProperty("nodeId").GetString());
            Assert.Equal(["summon", "forge", "handshake", "calls", "teardown"], summon.GetProperty("phases").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
            var ticket = summon.GetProperty("ticket");
            Assert.Equal(summon.GetProperty("workerId").GetString(), ticket.GetProperty("workerId").GetString());
            Assert.Equal("<redacted>", ticket.GetProperty("auth").GetProperty("secret").GetString());
            Assert.DoesNotContain("\"secret\":\"", json.Replace("\"secret\": \"<redacted>\"", "", StringComparison.Ordinal).Replace("\"secret\":\"<redacted>\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
            var workerPid = summon.GetProperty("workerHostProcessId").GetInt32();
            Assert.NotEqual(quickstart.Id, workerPid);
            Assert.False(Processes.IsAlive(workerPid));
        }

        Assert.False(Processes.IsAlive(quickstart.Id));
    }

    [Fact]
    public async Task SandboxOption_PicksTheProvider_AndTheReportNamesIt()
    {
        await using var quickstart = ChildProcess.Start("Quickstart.dll", "--json", "--sandbox", "process");

        var exitCode = await quickstart.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"The quick start exited with {exitCode}:\n{quickstart.Output}");
        using var report = JsonDocument.Parse(quickstart.Output[quickstart.Output.IndexOf('{', StringComparison.Ordinal)..]);
        Assert.Equal("process", report.RootElement.GetProperty("sandbox").GetString());
        Assert.All(report.RootElement.GetProperty("summons").EnumerateArray(), summon => Assert.True(summon.GetProperty("workerProcessGone").GetBoolean()));
    }
}
