using MeshRpc.Hosting;
using MeshRpc.TestWorker;

return await MeshWorkerHost.RunAsync<ITestWorker, TestWorker>(args);
