using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using MeshRpc.Hosting;
using MeshRpc.Tickets;
using MeshRpc.Tls;
using MeshRpc.WorkerHost;

// Usage: MeshRpc.WorkerHost [--tls] [--pooled]; the start-up configuration arrives as JSON lines on standard input
// (StartupInput).
// Exit codes the node agent reads: 0 stopped, 2 could not start, 3 heartbeat lost.
const int CouldNotStart = 2;
const int HeartbeatLost = 3;

// --tls: serve TLS with a fresh certificate. Its set-up (a key, a certificate, and the trust store that building a
// server context loads once per process) is the slowest part of a cold start, so it runs on another core while the
// host reads its configuration and loads the worker. A pooled host then compiles its hot paths while it waits.
var tls = args.Contains("--tls") ? Task.Run(WorkerCertificate.CreateForServer) : null;
if (args.Contains("--pooled"))
{
    await Warmup.RunAsync(tls is null ? null : await tls);
}

var (config, primed, inputError) = await StartupInput.ReadAsync(Console.In);
if (config is null)
{
    return Fail(inputError!);
}

MeshRpc.MeshContract contract;
object worker;
try
{
    (contract, worker) = WorkerLoader.Load(config, primed);
}
catch (SourceCompileException ex)
{
    Report(new WorkerHostStatus(null, Environment.ProcessId, ex.Message) { Diagnostics = ex.Diagnostics });
    return CouldNotStart;
}
catch (Exception ex) when (WorkerLoader.IsLoadFailure(ex))
{
    return Fail(ex.Message);
}

WorkerServerOptions options;
try
{
    options = new WorkerServerOptions
    {
        WorkerId = config.WorkerId,
        WorkerKey = Convert.FromBase64String(config.WorkerKey),
        Tickets = new TicketVerifier(config.TicketKeyId, config.TicketPublicKey),
        BindAddress = IPAddress.Parse(config.BindAddress),
        HeartbeatTimeout = TimeSpan.FromMilliseconds(config.HeartbeatTimeoutMs),
        IncludeErrorDiagnostics = config.IncludeErrorDiagnostics,
        Certificate = tls is null ? null : await tls,
    };
}
catch (FormatException ex)
{
    return Fail($"The start-up configuration has a malformed key or address: {ex.Message}");
}
catch (System.Security.Cryptography.CryptographicException ex)
{
    return Fail($"The gateway's ticket key in the start-up configuration is not a valid public key: {ex.Message}");
}

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

var exitCode = await Task.WhenAny(server.HeartbeatLost, stopped.Task) == server.HeartbeatLost ? HeartbeatLost : 0;
if (exitCode == HeartbeatLost)
{
    await Console.Error.WriteLineAsync($"worker {config.WorkerId}: no heartbeat for {config.HeartbeatTimeoutMs} ms; exiting.");
}

if (worker is IAsyncDisposable disposable)
{
    await disposable.DisposeAsync();
}

return exitCode;

static int Fail(string error)
{
    Report(new WorkerHostStatus(null, Environment.ProcessId, error));
    return CouldNotStart;
}

static void Report(WorkerHostStatus status)
{
    Console.Out.WriteLine(JsonSerializer.Serialize(status, WorkerHostJsonContext.Default.WorkerHostStatus));
    Console.Out.Flush();
}
