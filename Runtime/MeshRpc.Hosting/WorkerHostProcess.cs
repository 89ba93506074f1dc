using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MeshRpc.HostProtocol;
using MeshRpc.Tickets;
using MeshRpc.Tls;

namespace MeshRpc.Hosting;

/// <summary>
/// The life of a worker host process, shared by the .NET worker host and by native gems: the node agent's start-up
/// protocol on standard input and output, TLS, serving the worker, and the exit codes the agent reads.
/// </summary>
/// <remarks>
/// Standard input carries JSON lines (<see cref="WorkerHostInstruction"/>): at most one gem to prime, then the
/// start-up configuration. Standard output carries one <see cref="WorkerHostStatus"/> line: the port, or why not.
/// </remarks>
public static class WorkerHostProcess
{
    /// <summary>Exit code: the agent stopped the worker (SIGTERM).</summary>
    public const int Stopped = 0;

    /// <summary>Exit code: the worker could not start; the status line says why.</summary>
    public const int CouldNotStart = 2;

    /// <summary>Exit code: no caller heartbeated for the heartbeat timeout.</summary>
    public const int HeartbeatLost = 3;

    /// <summary>Exit code: no call came for the idle timeout its summon set.</summary>
    public const int Idle = 4;

    /// <summary>Why a worker host exited, in words for the node's log.</summary>
    public static string ExitReason(int exitCode) => exitCode switch
    {
        Stopped => "stopped by its node",
        CouldNotStart => "it could not start",
        HeartbeatLost => "its caller's heartbeats stopped",
        Idle => "no call came for its idle timeout",
        _ => "it crashed or was killed",
    };

    /// <summary>
    /// With <c>--tls</c>, starts making the worker's certificate and its server context at once, on another core: with
    /// the system trust store that the first context loads, it is the slowest part of a cold start.
    /// </summary>
    public static Task<X509Certificate2>? StartTls(IReadOnlyList<string> args) =>
        args.Contains("--tls") ? Task.Run(WorkerCertificate.CreateForServer) : null;

    /// <summary>The command-line flag naming the data-plane socket the node agent opened for this host.</summary>
    public const string ListenFdFlag = "--listen-fd";

    /// <summary>
    /// The listening socket inherited from the node agent (<c>--listen-fd N</c>), or null when the host is to bind its
    /// own. A sandbox with a network namespace of its own cannot bind the node's address, so the agent opens the socket
    /// there and the worker only accepts on it.
    /// </summary>
    public static Socket? InheritedListener(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var at = args.ToList().IndexOf(ListenFdFlag);
        if (at < 0)
        {
            return null;
        }

        return at + 1 < args.Count && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var fd)
            ? new Socket(new SafeSocketHandle(fd, ownsHandle: true))
            : throw new ArgumentException($"{ListenFdFlag} takes the number of an inherited listening socket.", nameof(args));
    }

    /// <summary>
    /// Reads standard input up to the start-up configuration. A prime line is handed to <paramref name="prime"/>, at
    /// most once; a host that cannot be primed passes null and refuses it.
    /// </summary>
    public static async Task<(WorkerHostConfig? Config, string? Error)> ReadStartAsync(TextReader input, Action<GemLocation>? prime)
    {
        ArgumentNullException.ThrowIfNull(input);
        var primed = false;
        while (await input.ReadLineAsync() is { } line)
        {
            WorkerHostInstruction? instruction;
            try
            {
                instruction = JsonSerializer.Deserialize(line, WorkerHostJsonContext.Default.WorkerHostInstruction);
            }
            catch (JsonException ex)
            {
                return (null, $"A line of the start-up input on standard input is not valid JSON: {ex.Message}");
            }

            if (instruction?.Start is { } config)
            {
                return (config, null);
            }

            if (instruction?.Prime is not { } gem || primed)
            {
                return (null, "The start-up input may prime one gem, then must give the configuration ('start'); this line is neither.");
            }

            if (prime is null)
            {
                return (null, "This worker host cannot be primed with a gem: it runs one built-in worker. Send only the configuration ('start').");
            }

            prime(gem);
            primed = true;
        }

        return (null, "No start-up configuration arrived on standard input; the node agent writes it there as one JSON line.");
    }

    /// <summary>Serves <paramref name="worker"/> as <paramref name="config"/> says until stopped or abandoned; returns the exit code.</summary>
    public static async Task<int> ServeAsync(WorkerHostConfig config, MeshContract contract, object worker, Task<X509Certificate2>? tls, Socket? listener)
    {
        ArgumentNullException.ThrowIfNull(config);
        WorkerServerOptions options;
        try
        {
            options = new WorkerServerOptions
            {
                WorkerId = config.WorkerId,
                WorkerKey = Convert.FromBase64String(config.WorkerKey),
                Tickets = new TicketVerifier(config.TicketKeyId, config.TicketPublicKey),
                BindAddress = IPAddress.Parse(config.BindAddress),
                Listener = listener,
                HeartbeatTimeout = TimeSpan.FromMilliseconds(config.HeartbeatTimeoutMs),
                CallIdleTimeout = config.IdleTimeoutMs is { } idle ? TimeSpan.FromMilliseconds(idle) : null,
                HandshakeRefused = reason => WorkerTelemetryReporter.Refused(Console.Error, reason),
                CallTimedOut = (method, ms) => Console.Error.WriteLine($"worker {config.WorkerId}: '{method}' outlasted its {ms} ms timeout; its caller stopped waiting and cancelled it."),
                IncludeErrorDiagnostics = config.IncludeErrorDiagnostics,
                Certificate = tls is null ? null : await tls,
            };
        }
        catch (FormatException ex)
        {
            return Fail($"The start-up configuration has a malformed key or address: {ex.Message}");
        }
        catch (CryptographicException ex)
        {
            return Fail($"The gateway's ticket key in the start-up configuration is not a valid public key: {ex.Message}");
        }

        using var spans = WorkerTelemetryReporter.Start(Console.Error);
        await using var server = new WorkerServer(options, contract, worker);
        var endpoint = server.Start();
        Report(new WorkerHostStatus(endpoint.Port, Environment.ProcessId, null)
        {
            CertificateSha256 = options.Certificate is { } served ? WorkerCertificate.Fingerprint(served) : null,
        });

        var stopped = new TaskCompletionSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopped.TrySetResult();
        });

        var ended = await Task.WhenAny(server.HeartbeatLost, server.IdleExpired, stopped.Task);
        var exitCode = ended == server.HeartbeatLost ? HeartbeatLost : ended == server.IdleExpired ? Idle : Stopped;
        if (exitCode == HeartbeatLost)
        {
            await Console.Error.WriteLineAsync($"worker {config.WorkerId}: no heartbeat for {config.HeartbeatTimeoutMs} ms; exiting.");
        }
        else if (exitCode == Idle)
        {
            await Console.Error.WriteLineAsync($"worker {config.WorkerId}: no call for {config.IdleTimeoutMs} ms, its idle timeout; exiting.");
        }

        if (worker is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        return exitCode;
    }

    /// <summary>Reports that the worker cannot start, and why; returns <see cref="CouldNotStart"/>.</summary>
    public static int Fail(string error)
    {
        Report(new WorkerHostStatus(null, Environment.ProcessId, error));
        return CouldNotStart;
    }

    /// <summary>Writes the status line the node agent waits for.</summary>
    public static void Report(WorkerHostStatus status)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(status, WorkerHostJsonContext.Default.WorkerHostStatus));
        Console.Out.Flush();
    }
}
