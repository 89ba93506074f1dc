using System.Diagnostics;
using MeshRpc.TestWorker;
using System.Net;
using System.Net.Sockets;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Containment;

/// <summary>
/// Attacks from inside a worker summoned from raw source (hostile code) against everything outside its sandbox, on
/// real processes: each must be refused or contained, and the legitimate caller's worker on the same node must keep
/// answering. What holds on every provider that contains workers; each provider adds what only it enforces.
/// </summary>
public abstract class ContainmentTests(ContainmentFixture fixture)
{
    /// <summary>The fixture: the mesh, the hostile worker and the legitimate one.</summary>
    protected ContainmentFixture Fixture { get; } = fixture;

    /// <summary>The hostile worker.</summary>
    protected IContainmentProbe Attacker => Fixture.Attacker;

    [Fact]
    public async Task Refuses_ConnectionToTheGateway()
    {
        Fixture.Require();
        await AssertCannotConnectAsync("127.0.0.1", Fixture.Mesh.GatewayAddress.Port);
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_ConnectionToTheNodeAgent()
    {
        Fixture.Require();
        await AssertCannotConnectAsync("127.0.0.1", Fixture.AgentPort);
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_ConnectionToAnyOtherServiceOnTheNodesLoopback()
    {
        Fixture.Require();
        using var service = new TcpListener(IPAddress.Loopback, 0);
        service.Start();

        await AssertCannotConnectAsync("127.0.0.1", ((IPEndPoint)service.LocalEndpoint).Port);

        // The one connection the service saw is the test's own.
        using (await service.AcceptTcpClientAsync(TestContext.Current.CancellationToken))
        {
        }

        Assert.False(service.Pending(), "The node's loopback service saw a connection from the worker.");
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_ConnectionToAnotherWorkersDataPlanePort()
    {
        Fixture.Require();
        var victim = new Uri(Fixture.VictimTicket.Endpoints.Direct);

        await AssertCannotConnectAsync(victim.Host, victim.Port);
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_ConnectionToAnAddressOutsideTheNode()
    {
        Fixture.Require();
        NetworkNamespace.RequireSupport();
        await using var outside = await NetworkNamespace.CreateAsync();
        await using var host = outside.Start("MeshRpc.TestCaller.dll", "listen", outside.InsideAddress);
        var port = int.Parse(await host.WaitForLineAsync("LISTENING", TimeSpan.FromSeconds(60)), System.Globalization.CultureInfo.InvariantCulture);

        await AssertCannotConnectAsync(outside.InsideAddress, port);

        // The one connection the test host saw is the node's own.
        await host.WaitForTextAsync("ACCEPTED", TimeSpan.FromSeconds(30));
        Assert.Single(host.Output.Split('\n'), line => line.StartsWith("ACCEPTED", StringComparison.Ordinal));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_ConnectionToAUnixSocketOfTheNode()
    {
        Fixture.Require();
        var path = $"/run/meshrpc-test-{Guid.NewGuid():N}.sock";
        using var service = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        service.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                // Anyone on the node may connect: only the sandbox can keep the worker out.
                File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
            }

            service.Listen();

            Assert.NotEqual("connected", await Attacker.ConnectUnixAsync(path));
        }
        finally
        {
            File.Delete(path);
        }

        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task RootInside_IsAnUnprivilegedUidOnTheNode()
    {
        Fixture.Require();
        var inside = await Attacker.StatusAsync("Uid");
        var onNode = File.ReadLines($"/proc/{Fixture.AttackerHostProcessId}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));

        var hostUids = onNode[4..].Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToList();
        Assert.All(hostUids, uid => Assert.True(uid >= 100_000, $"The worker (inside: uid {inside}) runs as uid {uid} on the node."));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Holds_NoCapabilities()
    {
        Fixture.Require();
        Assert.Equal("0000000000000000", await Attacker.StatusAsync("CapEff"));
        Assert.Equal("0000000000000000", await Attacker.StatusAsync("CapPrm"));
        Assert.Equal("0000000000000000", await Attacker.StatusAsync("CapBnd"));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Runs_WithNoNewPrivileges()
    {
        Fixture.Require();
        Assert.Equal("1", await Attacker.StatusAsync("NoNewPrivs"));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("/usr/local/bin")]
    [InlineData("/root")]
    [InlineData("/var/tmp")]
    [InlineData("/opt")]
    [InlineData("/home")]
    public async Task Refuses_WritingToANodePath(string folder)
    {
        Fixture.Require();
        var path = Path.Combine(folder, $"meshrpc-escape-{Guid.NewGuid():N}");

        Assert.NotEqual("written", await Attacker.WriteFileAsync(path, "escaped"));

        Assert.False(File.Exists(path), $"The worker wrote {path} on the node.");
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_WritingToTheAgentsFolder()
    {
        Fixture.Require();
        var path = Path.Combine(Fixture.Mesh.AgentDirectory, $"meshrpc-escape-{Guid.NewGuid():N}");

        Assert.NotEqual("written", await Attacker.WriteFileAsync(path, "escaped"));

        Assert.False(File.Exists(path), $"The worker wrote {path} on the node.");
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_RemountingTheRootWritable()
    {
        Fixture.Require();
        var remount = await Attacker.RunAsync("/bin/mount", ["-o", "remount,rw", "/"]);

        Assert.DoesNotMatch("^exit 0:", remount);
        Assert.NotEqual("written", await Attacker.WriteFileAsync($"/etc/meshrpc-escape-{Guid.NewGuid():N}", "escaped"));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task CannotSee_TheAgentsFilesOrTheGatewaysSigningKey()
    {
        Fixture.Require();
        var agentFiles = await Attacker.ListAsync(Fixture.Mesh.AgentDirectory);
        var key = await Attacker.ReadFileAsync(Path.Combine(Fixture.Mesh.WorkDirectory, "ticket-key.pem"));

        Assert.True(File.Exists(Path.Combine(Fixture.Mesh.WorkDirectory, "ticket-key.pem")), "The test expected the gateway's key at its default place.");
        Assert.StartsWith("DirectoryNotFoundException", Assert.Single(agentFiles), StringComparison.Ordinal);
        Assert.DoesNotMatch("^read ", key);
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task CannotRead_TheNodesRootOnlyFiles()
    {
        Fixture.Require();
        Assert.StartsWith("UnauthorizedAccessException", await Attacker.ReadFileAsync("/etc/shadow"), StringComparison.Ordinal);
        Assert.Matches("^(UnauthorizedAccess|DirectoryNotFound)Exception", Assert.Single(await Attacker.ListAsync("/root")));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task CannotReach_AnotherWorkersProcessMemoryOrEnvironment()
    {
        Fixture.Require();
        var victim = Fixture.VictimHostProcessId;

        Assert.DoesNotMatch("^read ", await Attacker.ReadFileAsync($"/proc/{victim}/environ"));
        Assert.DoesNotMatch("^read ", await Attacker.ReadFileAsync($"/proc/{victim}/mem"));
        Assert.DoesNotMatch("^read ", await Attacker.ReadFileAsync($"/proc/{victim}/cmdline"));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    // Each value either changes nothing where the write got through (the current value, sysrq's help 'h') or is the
    // escape itself (moving the writer out of its cgroup, out of its limits).
    [Theory]
    [InlineData("/sys/fs/cgroup/memory/memory.limit_in_bytes", null)]
    [InlineData("/sys/fs/cgroup/pids/cgroup.procs", "0")]
    [InlineData("/proc/sys/kernel/hostname", null)]
    [InlineData("/proc/sysrq-trigger", "h")]
    public async Task Refuses_WritingKernelAndCgroupSettings(string path, string? value)
    {
        Fixture.Require();
        var harmless = value ?? await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);

        Assert.NotEqual("written", await Attacker.WriteFileAsync(path, harmless));

        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_CreatingADeviceNode()
    {
        Fixture.Require();
        Assert.DoesNotMatch("^exit 0:", await Attacker.RunAsync("/usr/bin/mknod", ["/tmp/null-device", "c", "1", "3"]));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_RawSockets()
    {
        Fixture.Require();
        Assert.Equal("errno 1", await Attacker.SyscallAsync("raw-socket"));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_ANewUserNamespace()
    {
        Fixture.Require();

        // A program, not a system call from the worker: the kernel allows a new user namespace to single-threaded processes only.
        Assert.DoesNotMatch("^exit 0:", await Attacker.RunAsync("/usr/bin/unshare", ["--user", "--map-root-user", "/usr/bin/true"]));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    /// <summary>Asserts the system call fails with one of <paramref name="errnos"/>, and the legitimate worker is unharmed.</summary>
    protected async Task AssertSystemCallRefusedAsync(string name, params int[] errnos)
    {
        Fixture.Require();
        var outcome = await Attacker.SyscallAsync(name);
        Assert.Contains(outcome, errnos.Select(errno => $"errno {errno}"));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    private async Task AssertCannotConnectAsync(string host, int port)
    {
        // The test process reaches it, so it listens: refusing the worker is the sandbox's doing.
        using (var node = new TcpClient())
        {
            await node.ConnectAsync(host, port, TestContext.Current.CancellationToken);
        }

        var outcome = await Attacker.ConnectAsync(host, port);
        Assert.True(outcome is "NetworkUnreachable" or "ConnectionRefused" or "HostUnreachable",
            $"The worker's connection to {host}:{port} ended with {outcome}, not with an unreachable network.");
    }
}
