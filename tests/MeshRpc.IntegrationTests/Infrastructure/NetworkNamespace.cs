using System.Diagnostics;
using System.Security.Cryptography;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>
/// A network namespace joined to the host only by a veth pair: a process inside reaches the host's veth address and
/// nothing else of the host, not even its loopback addresses. That is a caller cut off from the workers' direct endpoints.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private const string Ip = "/usr/sbin/ip";

    private NetworkNamespace(string name, string hostInterface, string hostAddress, string insideAddress)
    {
        Name = name;
        HostInterface = hostInterface;
        HostAddress = hostAddress;
        InsideAddress = insideAddress;
    }

    /// <summary>The namespace's name, for <c>ip netns exec</c>.</summary>
    public string Name { get; }

    /// <summary>The host's end of the veth pair.</summary>
    public string HostInterface { get; }

    /// <summary>The host's address on the veth pair: the only host address reachable from inside.</summary>
    public string HostAddress { get; }

    /// <summary>The namespace's own address on the veth pair: a host outside the node, reachable from the node's network.</summary>
    public string InsideAddress { get; }

    /// <summary>Skips the test where namespaces cannot be made (not root, no iproute2), unless CI requires it: then it fails.</summary>
    public static void RequireSupport()
    {
        if (Environment.UserName == "root" && File.Exists(Ip))
        {
            return;
        }

        if (SandboxSupport.Required)
        {
            Assert.Fail("MESHRPC_REQUIRE_LXC=1, but network namespaces cannot be made here: run as root with iproute2 installed.");
        }

        Assert.Skip("Network namespaces need root and iproute2 (/usr/sbin/ip); set MESHRPC_REQUIRE_LXC=1 to make this a failure.");
    }

    /// <summary>Creates the namespace, its veth pair and addresses (10.213.x.1 on the host, .2 inside).</summary>
    public static async Task<NetworkNamespace> CreateAsync()
    {
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var subnet = RandomNumberGenerator.GetInt32(1, 250);
        var created = new NetworkNamespace($"meshrpc-{tag}", $"mrh{tag}", $"10.213.{subnet}.1", $"10.213.{subnet}.2");
        var inside = $"mrn{tag}";
        try
        {
            await RunAsync("netns", "add", created.Name);
            await RunAsync("link", "add", created.HostInterface, "type", "veth", "peer", "name", inside);
            await RunAsync("link", "set", inside, "netns", created.Name);
            await RunAsync("addr", "add", $"{created.HostAddress}/30", "dev", created.HostInterface);
            await RunAsync("link", "set", created.HostInterface, "up");
            await RunAsync("netns", "exec", created.Name, Ip, "addr", "add", $"{created.InsideAddress}/30", "dev", inside);
            await RunAsync("netns", "exec", created.Name, Ip, "link", "set", inside, "up");
            await RunAsync("netns", "exec", created.Name, Ip, "link", "set", "lo", "up");
            return created;
        }
        catch
        {
            await created.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>dotnet {assembly} {arguments}</c> inside the namespace.</summary>
    public ChildProcess Start(string assembly, params string[] arguments) =>
        ChildProcess.StartProgram(Ip, ["netns", "exec", Name, Hosting.DotnetMuxer.Path, Path.Combine(AppContext.BaseDirectory, assembly), .. arguments]);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Deleting the namespace destroys the veth end inside it, and with it the pair; the link delete covers a half-made setup.
        await RunAsync(check: false, "netns", "delete", Name);
        await RunAsync(check: false, "link", "delete", HostInterface);
    }

    private static Task RunAsync(params string[] arguments) => RunAsync(check: true, arguments);

    private static async Task RunAsync(bool check, params string[] arguments)
    {
        var start = new ProcessStartInfo(Ip) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {error}");
        }
    }
}
