using MeshRpc.Gateway;
using MeshRpc.Gateway.Security;

if (ApiKeyCommand.Matches(args))
{
    return ApiKeyCommand.Run(args);
}

var app = GatewayApp.Build(args);
await app.StartAsync();

// Test harnesses and the quick start read this line to find the gateway's ephemeral port.
Console.WriteLine("MESHRPC-LISTENING " + string.Join(' ', app.Urls));
await app.WaitForShutdownAsync();
return 0;
