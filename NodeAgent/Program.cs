using MeshRpc.NodeAgent;

var app = NodeAgentApp.Build(args);
await app.StartAsync();

// Test harnesses and the quick start read this line to find the agent's ephemeral port.
Console.WriteLine("MESHRPC-LISTENING " + string.Join(' ', app.Urls));
await app.WaitForShutdownAsync();
