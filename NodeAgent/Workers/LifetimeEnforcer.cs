namespace MeshRpc.NodeAgent.Workers;

/// <summary>
/// Tears each worker down when its lifetime ends (<see cref="RunningWorker.EndsAt"/>, as its summon set it and its owner
/// extended it): the node's own bound, whatever the worker or its caller do. Looks once a second.
/// </summary>
internal sealed class LifetimeEnforcer(WorkerTable workers, TimeProvider time, ILogger<LifetimeEnforcer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var (workerId, endsAt) in workers.PastTheirLifetime(time.GetUtcNow()))
                {
                    Log.LifetimeEnded(logger, workerId, endsAt);
                    await workers.DestroyAsync(workerId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The agent is stopping; it tears every worker down itself.
        }
    }
}
