using MeshRpc.Gateway;
using MeshRpc.Gateway.Security;

if (ApiKeyCommand.Matches(args))
{
    return ApiKeyCommand.Run(args);
}

return await GatewayApp.RunAsync(args);
