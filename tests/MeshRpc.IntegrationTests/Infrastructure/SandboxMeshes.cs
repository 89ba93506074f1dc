namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>Whether the sandboxes tests need are here, and whether CI insists on them.</summary>
public static class SandboxSupport
{
    /// <summary>Set by CI: sandbox tests must run, not skip.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("MESHRPC_REQUIRE_LXC") == "1";

    /// <summary>LXC application containers can run here.</summary>
    public static bool LxcInstalled => File.Exists("/usr/bin/lxc-execute") && Environment.UserName == "root";

    /// <summary>bubblewrap is installed.</summary>
    public static bool BwrapInstalled => File.Exists("/usr/bin/bwrap");

    /// <summary>Skips the test when the mesh did not get <paramref name="sandbox"/>, unless CI requires it: then it fails.</summary>
    public static void Require(MeshProcesses mesh, string sandbox)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        if (mesh.Sandbox == sandbox)
        {
            return;
        }

        if (Required)
        {
            Assert.Fail($"MESHRPC_REQUIRE_LXC=1, but the node agent runs '{mesh.Sandbox}' instead of '{sandbox}'. Install lxc and bubblewrap and run as root.\n{mesh.Logs}");
        }

        Assert.Skip($"The {sandbox} sandbox is not available here (install lxc/bubblewrap and run as root); set MESHRPC_REQUIRE_LXC=1 to make this a failure.");
    }
}

/// <summary>A mesh whose node uses LXC with tight limits (falls back to auto where LXC is missing, so tests can skip).</summary>
public class LxcMesh : MeshProcesses
{
    protected override string RequestedSandbox => SandboxSupport.LxcInstalled || SandboxSupport.Required ? "lxc" : "auto";

    protected override IEnumerable<string> AgentArguments => ["--memory-mb", "256", "--max-processes", "100", "--cpus", "0.5", .. PoolArguments];

    /// <summary>Warm-pool arguments, for subclasses.</summary>
    protected virtual IEnumerable<string> PoolArguments => [];

    /// <summary>This agent's containers that LXC still knows.</summary>
    public async Task<IReadOnlyList<string>> ContainersAsync()
    {
        await using var ls = ChildProcess.StartProgram("lxc-ls", "-P", Path.Combine(AgentDirectory, "lxc"), "-1");
        await ls.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return [.. ls.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(n => n.StartsWith("meshrpc-", StringComparison.Ordinal))];
    }

    /// <summary>Waits until LXC knows at least <paramref name="atLeast"/> of this agent's containers, and returns them.</summary>
    /// <remarks>
    /// Up to a minute: a node whose processors are busy (other tests' builds and workers share them) holds a refill back
    /// for up to 10 s (the pool's patience), and the container then starts on a loaded machine.
    /// </remarks>
    public async Task<IReadOnlyList<string>> WaitForContainersAsync(int atLeast)
    {
        IReadOnlyList<string> containers = [];
        Assert.True(await Poll.UntilAsync(async () => (containers = await ContainersAsync()).Count >= atLeast, TimeSpan.FromSeconds(60)),
            $"The warm pool never reached {atLeast} containers within a minute.\n{Logs}");
        return containers;
    }
}

/// <summary>A mesh whose node uses bubblewrap.</summary>
public class BwrapMesh : MeshProcesses
{
    protected override string RequestedSandbox => SandboxSupport.BwrapInstalled || SandboxSupport.Required ? "bwrap" : "auto";
}

/// <summary>A mesh whose node runs workers as plain processes.</summary>
public sealed class ProcessMesh : MeshProcesses
{
    protected override string RequestedSandbox => "process";
}

/// <summary>An LXC mesh whose node keeps two pre-forged sandboxes warm.</summary>
public sealed class LxcPoolMesh : LxcMesh
{
    /// <summary>The pool size the node is given.</summary>
    public const int PoolSize = 2;

    protected override IEnumerable<string> PoolArguments => ["--warm-pool", PoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}

/// <summary>A mesh whose node serves workers over plain TCP (<c>--data-plane-tls false</c>).</summary>
public sealed class PlaintextMesh : MeshProcesses
{
    protected override string RequestedSandbox => "process";

    protected override IEnumerable<string> AgentArguments => ["--data-plane-tls", "false"];
}

/// <summary>A mesh whose gateway issues tickets that expire five seconds after issue (time enough to connect on a busy machine).</summary>
public sealed class ShortTicketMesh : MeshProcesses
{
    /// <summary>The tickets' lifetime.</summary>
    public static readonly TimeSpan TicketLifetime = TimeSpan.FromSeconds(5);

    protected override string RequestedSandbox => "process";

    protected override IEnumerable<string> GatewayArguments =>
        ["--ticket-lifetime-ms", ((int)TicketLifetime.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)];
}

/// <summary>A mesh whose node keeps no idle host until summons come, then grows its pool to their burst, and shrinks back twenty seconds after the last.</summary>
public sealed class GrowingPoolMesh : MeshProcesses
{
    /// <summary>The most idle hosts the node keeps.</summary>
    public const int PoolCeiling = 3;

    /// <summary>How long a burst keeps the pool grown.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromSeconds(20);

    protected override string RequestedSandbox => "process";

    protected override IEnumerable<string> AgentArguments =>
        ["--slots", "8", "--warm-pool", "0", "--warm-pool-max", PoolCeiling.ToString(System.Globalization.CultureInfo.InvariantCulture), "--warm-pool-keep-seconds", ((int)Keep.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)];
}
