using MeshRpc.HostProtocol;
using MeshRpc.Hosting;
using MeshRpc.WorkerHost;

// Usage: MeshRpc.WorkerHost [--tls] [--pooled] [--listen-fd N], or MeshRpc.WorkerHost --compiler [--pooled]. The node
// agent drives it through standard input and output (WorkerHostProcess, CompilerProcess); exit codes: 0 stopped,
// 2 could not start (or compile), 3 heartbeat lost.
if (args.Contains("--compiler"))
{
    return await CompilerProcess.RunAsync(pooled: args.Contains("--pooled"));
}

var tls = WorkerHostProcess.StartTls(args);

// A pooled host compiles its hot paths while it waits for a summon, and may be primed with the gem one will likely run;
// a cold one rehearses only its TLS handshake, beside its start.
if (args.Contains("--pooled"))
{
    await Warmup.RunAsync(tls is null ? null : await tls);
}
else if (tls is not null)
{
    HandshakeRehearsal.Start(tls);
}

PrimedGem? primed = null;
var (config, inputError) = await WorkerHostProcess.ReadStartAsync(Console.In, gem => primed = PrimedGem.Load(gem));
if (config is null)
{
    return WorkerHostProcess.Fail(inputError!);
}

MeshRpc.MeshContract contract;
object worker;
try
{
    (contract, worker) = WorkerLoader.Load(config, primed);
}
catch (Exception ex) when (WorkerLoader.IsLoadFailure(ex))
{
    return WorkerHostProcess.Fail(ex.Message);
}

return await WorkerHostProcess.ServeAsync(config, contract, worker, tls, WorkerHostProcess.InheritedListener(args));
