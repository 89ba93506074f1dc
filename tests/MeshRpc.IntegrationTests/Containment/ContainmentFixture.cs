using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Containment;

/// <summary>
/// A mesh on one sandbox provider, with two workers on its node: a hostile one summoned from raw source
/// (<see cref="IContainmentProbe"/>), and a legitimate caller's worker from a gem, whose calls must keep succeeding
/// while the hostile one attacks.
/// </summary>
public abstract class ContainmentFixture : IAsyncLifetime
{
    private MeshClient? _client;
    private IContainmentProbe? _attacker;
    private ITestWorker? _victim;

    /// <summary>The mesh.</summary>
    public MeshProcesses Mesh { get; }

    /// <summary>The provider the node must run.</summary>
    public abstract string Sandbox { get; }

    /// <summary>The hostile worker.</summary>
    public IContainmentProbe Attacker => _attacker ?? throw new InvalidOperationException("No attacker: the node does not run " + Sandbox);

    /// <summary>The hostile worker's process id on the node.</summary>
    public int AttackerHostProcessId { get; private set; }

    /// <summary>The legitimate caller's worker.</summary>
    public ITestWorker Victim => _victim ?? throw new InvalidOperationException("No victim: the node does not run " + Sandbox);

    /// <summary>The legitimate worker's ticket.</summary>
    public CapabilityTicket VictimTicket => ((IGhostProxy)Victim).Connection.Ticket;

    /// <summary>The legitimate worker's process id on the node.</summary>
    public int VictimHostProcessId { get; private set; }

    /// <summary>The node agent's HTTP port on loopback.</summary>
    public int AgentPort { get; private set; }

    /// <summary>The client both workers were summoned with.</summary>
    public MeshClient Client => _client!;

    /// <summary>The hostile worker's source: the probe's contract and implementation, as a summon carries them.</summary>
    public static string AttackerSource => RawSource.Join("MeshRpc.TestWorker", "IContainmentProbe.cs", "ContainmentProbe.cs");

    protected ContainmentFixture(MeshProcesses mesh) => Mesh = mesh;

    /// <summary>Fails the test unless the node runs <see cref="Sandbox"/> (or skips it, outside CI).</summary>
    public void Require() => SandboxSupport.Require(Mesh, Sandbox);

    /// <summary>Summons another hostile worker, for attacks that ruin the one they run in.</summary>
    public Task<IContainmentProbe> SummonAttackerAsync() =>
        Client.SummonAsync<IContainmentProbe>(SummonRequest.FromSource(AttackerSource), TestContext.Current.CancellationToken);

    /// <summary>Asserts that the legitimate caller's worker still answers, and keeps its state.</summary>
    public Task AssertLegitimateCallsSucceedAsync() => AssertServesAsync(Victim);

    /// <summary>Asserts that <paramref name="victim"/>, a legitimate caller's worker, still answers and keeps its state.</summary>
    public static async Task AssertServesAsync(ITestWorker victim)
    {
        ArgumentNullException.ThrowIfNull(victim);
        var before = await victim.GetCountAsync();
        Assert.Equal("still here", await victim.EchoAsync("still here"));
        Assert.Equal(before + 1, await victim.IncrementAsync());
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        await Mesh.InitializeAsync();
        if (Mesh.Sandbox != Sandbox)
        {
            return;
        }

        _client = Mesh.CreateClient();
        _victim = await _client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer));
        VictimHostProcessId = await Mesh.HostProcessIdOfAsync(VictimTicket.WorkerId);
        _attacker = await SummonAttackerAsync();
        AttackerHostProcessId = await Mesh.HostProcessIdOfAsync(((IGhostProxy)_attacker).Connection.Ticket.WorkerId);
        using var admin = Mesh.CreateAdminClient();
        var registry = await admin.Gateway.GetServiceRegistryAsync();
        AgentPort = new Uri(registry.Nodes.Single().AgentUrl).Port;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_attacker is not null)
        {
            await _attacker.DisposeAsync();
        }

        if (_victim is not null)
        {
            await _victim.DisposeAsync();
        }

        _client?.Dispose();
        await Mesh.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The containment fixture on LXC.</summary>
public sealed class LxcContainment() : ContainmentFixture(new LxcMesh())
{
    /// <inheritdoc />
    public override string Sandbox => "lxc";
}

/// <summary>The containment fixture on bubblewrap.</summary>
public sealed class BwrapContainment() : ContainmentFixture(new BwrapMesh())
{
    /// <inheritdoc />
    public override string Sandbox => "bwrap";
}
