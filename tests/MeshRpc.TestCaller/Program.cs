using MeshRpc;
using MeshRpc.TestWorker;

// Usage: MeshRpc.TestCaller <gateway-url> <heartbeat-timeout-ms>
using var mesh = new MeshClient(new Uri(args[0]));
var worker = await mesh.SummonAsync<ITestWorker>(
    SummonRequest.FromGem(TestGem.Pointer) with { HeartbeatTimeout = TimeSpan.FromMilliseconds(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)) });
Console.WriteLine($"WORKER {((IGhostProxy)worker).Connection.Ticket.WorkerId} {await worker.GetProcessIdAsync()}");

// Heartbeats keep the worker alive until this process is killed.
await Task.Delay(Timeout.Infinite);
