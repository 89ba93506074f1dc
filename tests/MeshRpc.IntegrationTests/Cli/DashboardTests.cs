using System.Diagnostics;
using System.Text.RegularExpressions;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Cli;

/// <summary>
/// The gateway's dashboard in a real browser (Debian's headless Chromium) against a mesh run by <c>x-hauki-core up</c>:
/// a worker the test summons appears in its workers table with the summon's timings, and leaves it after teardown.
/// </summary>
public sealed partial class DashboardTests(CliMesh mesh) : IClassFixture<CliMesh>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task ASummonedWorker_AppearsOnTheDashboard_AndLeavesItAfterTeardown()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.Pack(), ct);
        var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;

        var shown = await PageAsync();
        Assert.Contains(workerId, Table(shown, "workers"), StringComparison.Ordinal);
        Assert.Contains(workerId, Table(shown, "summons"), StringComparison.Ordinal);
        Assert.Contains("class=\"status live\"", shown, StringComparison.Ordinal);
        await ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard.png"));

        await worker.DisposeAsync();

        var after = shown;
        Assert.True(await Poll.UntilAsync(async () => !Table(after = await PageAsync(), "workers").Contains(workerId, StringComparison.Ordinal)),
            $"The dashboard still lists worker {workerId} after its teardown:\n{Table(after, "workers")}");
    }

    [Fact]
    public async Task WithoutAnOperatorsKey_TheDashboardShowsNoData_AndAsksForOne()
    {
        RequireChromium();
        var eve = (await mesh.RunAsync("token", "create", "--owner", "eve")).Output.Trim();

        var page = await PageAsync(key: eve);

        Assert.Contains("the key was refused (HTTP 403)", page, StringComparison.Ordinal);
        Assert.DoesNotContain("node-1", page, StringComparison.Ordinal);
    }

    // The page as the browser has drawn it after a few seconds of its own (virtual) time: the snapshots stream on.
    private async Task<string> PageAsync(string? key = null)
    {
        return await ChromiumAsync("--dump-dom", $"{mesh.Gateway}/dashboard#key={Uri.EscapeDataString(key ?? mesh.OperatorKey)}");
    }

    private async Task ScreenshotAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await ChromiumAsync("--window-size=1280,800", $"--screenshot={path}", $"{mesh.Gateway}/dashboard#key={Uri.EscapeDataString(mesh.OperatorKey)}");
    }

    private static async Task<string> ChromiumAsync(params string[] arguments)
    {
        // As root Chromium runs only without its own sandbox; the page it loads is the gateway's, on loopback.
        var start = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=4000", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var browser = Process.Start(start)!;
        var output = browser.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = browser.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await browser.WaitForExitAsync(deadline.Token);
        Assert.True(browser.ExitCode == 0, $"Chromium exited with {browser.ExitCode}:\n{await errors}");
        return await output;
    }

    private static string Table(string page, string id) => TableOf(id).Match(page).Value;

    private static Regex TableOf(string id) => new($"<table id=\"{id}\">.*?</table>", RegexOptions.Singleline);

    private static void RequireChromium()
    {
        if (File.Exists(Chromium))
        {
            return;
        }

        if (SandboxSupport.Required || Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"The dashboard test needs Chromium at {Chromium} (Debian's chromium package, which .ci/run installs).");
        }

        Assert.Skip($"The dashboard test needs Chromium at {Chromium} (apt-get install chromium); set MESHRPC_REQUIRE_LXC=1 to make this a failure.");
    }
}
