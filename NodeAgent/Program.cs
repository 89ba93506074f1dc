using MeshRpc.NodeAgent;

return await NodeAgentApp.RunAsync(args);
