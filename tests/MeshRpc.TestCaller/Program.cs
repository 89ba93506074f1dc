using MeshRpc;
using MeshRpc.TestWorker;

// Usage: MeshRpc.TestCaller <gateway-url> <heartbeat-timeout-ms>   summons, reports, and heartbeats until killed
//        MeshRpc.TestCaller call <gateway-url>                      summons, calls, reports the route taken, tears down
//        MeshRpc.TestCaller listen <address>                        a test host: accepts TCP connections, printing each peer
if (args[0] == "listen")
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse(args[1]), 0);
    listener.Start();
    Console.WriteLine($"LISTENING {((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");
    while (true)
    {
        using var peer = await listener.AcceptTcpClientAsync();
        Console.WriteLine($"ACCEPTED {peer.Client.RemoteEndPoint}");
    }
}

if (args[0] == "call")
{
    using var caller = new MeshClient(new Uri(args[1]), MeshCredential.FromEnvironment());
    await using var called = await caller.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer));
    var connection = ((IGhostProxy)called).Connection;
    var echo = await called.EchoAsync("relayed?");
    await called.IncrementAsync();
    Console.WriteLine($"CALLED {connection.Route} {echo} {await called.IncrementAsync()} {connection.Ticket.Endpoints.Direct}");
    return;
}

using var mesh = new MeshClient(new Uri(args[0]), MeshCredential.FromEnvironment());
var worker = await mesh.SummonAsync<ITestWorker>(
    SummonRequest.FromGem(TestGem.Pointer) with { HeartbeatTimeout = TimeSpan.FromMilliseconds(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)) });
Console.WriteLine($"WORKER {((IGhostProxy)worker).Connection.Ticket.WorkerId} {await worker.GetProcessIdAsync()}");

// Heartbeats keep the worker alive until this process is killed.
await Task.Delay(Timeout.Infinite);
