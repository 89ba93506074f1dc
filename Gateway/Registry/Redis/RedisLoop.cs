using StackExchange.Redis;

namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>Work a gateway repeats against Redis for as long as it runs, riding out the times Redis is away.</summary>
internal static class RedisLoop
{
    /// <summary>
    /// Runs <paramref name="work"/> now and every <paramref name="period"/> until <paramref name="stopping"/>. A round
    /// that finds Redis away is skipped, and the next one tries again: meanwhile the gateway works with what it holds,
    /// its readiness reports Redis (<c>shared-state</c>), and requests that need Redis answer 503.
    /// </summary>
    public static async Task RunAsync(TimeSpan period, TimeProvider time, Func<Task> work, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            do
            {
                try
                {
                    await work();
                }
                catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
                {
                    // Away: the next round tries again (above).
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The gateway is stopping.
        }
    }
}
