using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeshRpc.Testing.Redis;

/// <summary>
/// A real redis-server of the test's own: loopback only, a free port, nothing saved to disk; stopped (or killed, or
/// started again on the same port) by the test. Where redis-server is not installed the test is skipped, unless
/// MESHRPC_REQUIRE_LXC=1 (CI, which installs it) makes that a failure.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly string? Executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
    private readonly string _directory = Directory.CreateTempSubdirectory("meshrpc-redis-").FullName;
    private Process? _process;

    private RedisServer(int port) => Port = port;

    /// <summary>The port it listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Its address as <c>--redis</c> takes it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Starts a server on a free port, and waits until it answers.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        if (Executable is null)
        {
            const string Missing = "redis-server is not installed (apt-get install redis-server)";
            if (Environment.GetEnvironmentVariable("MESHRPC_REQUIRE_LXC") == "1")
            {
                Assert.Fail($"MESHRPC_REQUIRE_LXC=1, but {Missing}.");
            }

            Assert.Skip($"{Missing}; set MESHRPC_REQUIRE_LXC=1 to make this a failure.");
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new RedisServer(port);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again) on its port, empty, and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Executable!)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!await AnswersAsync())
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not answer within 20 s (exited: {_process.HasExited}).");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the server at once (SIGKILL): what it held is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The number of keys it holds (DBSIZE).</summary>
    public async Task<long> KeyCountAsync() => long.Parse((await CommandAsync("DBSIZE"))[1..].Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            return (await CommandAsync("PING")).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // One inline command and the first line of its reply.
    private async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
    }
}
