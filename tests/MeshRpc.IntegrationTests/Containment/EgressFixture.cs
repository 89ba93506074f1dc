using System.Globalization;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Containment;

/// <summary>
/// A mesh whose node gives workers egress, a test host outside the node (a network namespace) listening on two ports,
/// and on the node: a hostile raw-source worker allowed to reach the first port alone, and a legitimate caller's worker.
/// </summary>
public abstract class EgressFixture : IAsyncLifetime
{
    private NetworkNamespace? _outside;
    private ChildProcess? _allowedHost;
    private ChildProcess? _otherHost;
    private MeshClient? _client;
    private IContainmentProbe? _attacker;
    private ITestWorker? _victim;

    protected EgressFixture(MeshProcesses mesh, EgressSettings egress)
    {
        Mesh = mesh;
        Egress = egress;
    }

    /// <summary>The mesh.</summary>
    public MeshProcesses Mesh { get; }

    /// <summary>Its egress settings.</summary>
    public EgressSettings Egress { get; }

    /// <summary>The provider the node must run.</summary>
    public abstract string Sandbox { get; }

    /// <summary>The test host outside the node.</summary>
    public NetworkNamespace Outside => _outside!;

    /// <summary>The test host's process listening on the port the attacker may reach.</summary>
    public ChildProcess AllowedHost => _allowedHost!;

    /// <summary>The test host's process listening on a port the attacker may not reach.</summary>
    public ChildProcess OtherHost => _otherHost!;

    /// <summary>The port the attacker may reach.</summary>
    public int AllowedPort { get; private set; }

    /// <summary>The port it may not.</summary>
    public int OtherPort { get; private set; }

    /// <summary>The hostile worker, summoned with egress to <see cref="AllowedPort"/> on the test host.</summary>
    public IContainmentProbe Attacker => _attacker ?? throw new InvalidOperationException("No attacker: the node does not run " + Sandbox);

    /// <summary>The client the workers were summoned with.</summary>
    public MeshClient Client => _client!;

    /// <summary>Whether this machine can give workers egress: root, iproute2 and nftables.</summary>
    public static bool Supported => Environment.UserName == "root" && File.Exists("/usr/sbin/ip") && File.Exists("/usr/sbin/nft");

    /// <summary>Fails the test unless the node runs <see cref="Sandbox"/> with egress (or skips it, outside CI).</summary>
    public void Require()
    {
        if (!Supported)
        {
            if (SandboxSupport.Required)
            {
                Assert.Fail("MESHRPC_REQUIRE_LXC=1, but workers' egress needs root, iproute2 and nftables here.");
            }

            Assert.Skip("Workers' egress needs root, iproute2 (/usr/sbin/ip) and nftables (/usr/sbin/nft); set MESHRPC_REQUIRE_LXC=1 to make this a failure.");
        }

        SandboxSupport.Require(Mesh, Sandbox);
    }

    /// <summary>Summons a hostile worker that may reach <paramref name="egress"/>.</summary>
    public Task<IContainmentProbe> SummonAttackerAsync(params string[] egress) => Client.SummonAsync<IContainmentProbe>(
        SummonRequest.FromSource(ContainmentFixture.AttackerSource) with { Egress = [.. egress.Select(EgressDestination.Parse)] },
        TestContext.Current.CancellationToken);

    /// <summary>Asserts that the legitimate caller's worker still answers, and keeps its state.</summary>
    public Task AssertLegitimateCallsSucceedAsync() => ContainmentFixture.AssertServesAsync(_victim!);

    /// <summary>How many connections a test host process has accepted so far.</summary>
    public static int Accepted(ChildProcess host) =>
        host.Output.Split('\n').Count(line => line.StartsWith("ACCEPTED", StringComparison.Ordinal));

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        if (!Supported)
        {
            return;
        }

        await Mesh.InitializeAsync();
        if (Mesh.Sandbox != Sandbox)
        {
            return;
        }

        _outside = await NetworkNamespace.CreateAsync();
        _allowedHost = _outside.Start("MeshRpc.TestCaller.dll", "listen", _outside.InsideAddress);
        _otherHost = _outside.Start("MeshRpc.TestCaller.dll", "listen", _outside.InsideAddress);
        AllowedPort = int.Parse(await _allowedHost.WaitForLineAsync("LISTENING", TimeSpan.FromSeconds(60)), CultureInfo.InvariantCulture);
        OtherPort = int.Parse(await _otherHost.WaitForLineAsync("LISTENING", TimeSpan.FromSeconds(60)), CultureInfo.InvariantCulture);

        _client = Mesh.CreateClient();
        _victim = await _client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer));
        _attacker = await SummonAttackerAsync($"{_outside.InsideAddress}:{AllowedPort}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var worker in (IAsyncDisposable?[])[_attacker, _victim])
        {
            await (worker?.DisposeAsync() ?? ValueTask.CompletedTask);
        }

        _client?.Dispose();
        await Mesh.DisposeAsync();
        foreach (var outside in (IAsyncDisposable?[])[_allowedHost, _otherHost, _outside])
        {
            await (outside?.DisposeAsync() ?? ValueTask.CompletedTask);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>The egress fixture on LXC.</summary>
public sealed class LxcEgress : EgressFixture
{
    public LxcEgress()
        : this(new EgressSettings())
    {
    }

    private LxcEgress(EgressSettings egress)
        : base(new LxcEgressMesh(egress), egress)
    {
    }

    /// <inheritdoc />
    public override string Sandbox => "lxc";
}

/// <summary>The egress fixture on bubblewrap.</summary>
public sealed class BwrapEgress : EgressFixture
{
    public BwrapEgress()
        : this(new EgressSettings())
    {
    }

    private BwrapEgress(EgressSettings egress)
        : base(new BwrapEgressMesh(egress), egress)
    {
    }

    /// <inheritdoc />
    public override string Sandbox => "bwrap";
}
