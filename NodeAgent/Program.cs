using MeshRpc.NodeAgent;
using MeshRpc.NodeAgent.Sandboxes;

var app = NodeAgentApp.Build(args);
await app.StartAsync();

// Test harnesses and the quick start read these lines to find the agent's ephemeral port and its sandbox.
Console.WriteLine("MESHRPC-SANDBOX " + app.Services.GetRequiredService<ISandboxProvider>().Name);
Console.WriteLine("MESHRPC-LISTENING " + string.Join(' ', app.Urls));
await app.WaitForShutdownAsync();
