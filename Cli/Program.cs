using MeshRpc.Cli;

return await XHaukiCore.RunAsync(args);
