namespace MeshRpc.Hosting;

/// <summary>
/// The entry point of a worker host with one worker built in: the program a gem ships as its native host (published
/// with Native AOT), so that nodes of its platform start it directly instead of loading the gem into the .NET worker
/// host. It speaks the same start-up protocol with the node agent (<see cref="WorkerHostProcess"/>).
/// </summary>
/// <example><code>return await MeshWorkerHost.RunAsync&lt;ICalculator, Calculator&gt;(args);</code></example>
public static class MeshWorkerHost
{
    /// <summary>Runs the worker host process for <typeparamref name="TWorker"/> and returns its exit code.</summary>
    public static async Task<int> RunAsync<TContract, TWorker>(string[] args)
        where TContract : class
        where TWorker : class, TContract, new()
    {
        var tls = WorkerHostProcess.StartTls(args);
        var (config, inputError) = await WorkerHostProcess.ReadStartAsync(Console.In, prime: null);
        if (config is null)
        {
            return WorkerHostProcess.Fail(inputError!);
        }

        var contract = MeshContracts.Get<TContract>();
        if (config.Contract != contract.Name)
        {
            return WorkerHostProcess.Fail($"This worker host serves {contract.Name}, but the summon asks for {config.Contract}. Check the gem's manifest.");
        }

        TWorker worker;
        try
        {
            worker = new TWorker();
        }
        catch (Exception ex)
        {
            // Reported to the summoner, who can fix it; the host has nothing to serve.
            return WorkerHostProcess.Fail($"Could not create the worker {typeof(TWorker).FullName}: {ex.InnerException?.Message ?? ex.Message}. Its constructor must not throw.");
        }

        return await WorkerHostProcess.ServeAsync(config, contract, worker, tls, WorkerHostProcess.InheritedListener(args));
    }
}
