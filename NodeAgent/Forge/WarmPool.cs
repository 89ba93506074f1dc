using System.Diagnostics;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.NodeAgent.Workers;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>
/// Pre-forged sandboxes whose worker hosts have started and wait on standard input for their code. A summon takes one
/// and only injects the code; the pool refills in the background. Each pooled sandbox is already named after the
/// worker id it will serve as.
/// </summary>
/// <remarks>
/// Summons of one gem tend to come in runs, so a refill primes its host with the gem last asked for: the host loads it
/// while it waits, and the next summon of that gem skips the load. <see cref="PoolChoice"/> says which host a summon takes.
/// </remarks>
public sealed class WarmPool : BackgroundService
{
    private static readonly TimeSpan RefillAfterTake = TimeSpan.FromMilliseconds(250);

    private readonly NodeAgentOptions _options;
    private readonly ISandboxProvider _sandboxes;
    private readonly ILogger<WarmPool> _logger;
    private readonly List<Pooled> _idle = [];
    private readonly List<ISandbox> _retired = [];
    private readonly SemaphoreSlim _changed = new(0);
    private GemLocation? _likely;
    private long _lastTake;

    /// <summary>Creates the pool.</summary>
    public WarmPool(NodeAgentOptions options, ISandboxProvider sandboxes, ILogger<WarmPool> logger)
    {
        _options = options;
        _sandboxes = sandboxes;
        _logger = logger;
    }

    /// <summary>
    /// Takes an idle sandbox that can run <paramref name="gem"/> (null: summoned source), one primed with it first, or
    /// returns null when there is none (or the pool is disabled).
    /// </summary>
    public ISandbox? TryTake(GemLocation? gem)
    {
        Pooled? taken = null;
        bool changed;
        lock (_idle)
        {
            _likely = gem;
            var live = _idle.Where(p => !p.Sandbox.Exited.IsCompleted).ToList();
            var pick = PoolChoice.For([.. live.Select(p => p.Gem)], gem);
            if (pick.Take is { } take)
            {
                taken = live[take];
                _idle.Remove(taken);
                _lastTake = Stopwatch.GetTimestamp();
            }
            else if (pick.Retire is { } retire)
            {
                _idle.Remove(live[retire]);
                _retired.Add(live[retire].Sandbox);
            }

            changed = taken is not null || _retired.Count > 0;
        }

        if (changed)
        {
            _changed.Release();
        }

        return taken?.Sandbox;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.WarmPoolSize <= 0)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var died = await PruneExitedAsync();
                if (died > 0)
                {
                    // Idle sandboxes should not die; if they keep doing so, refilling at full speed would only churn.
                    Log.WarmPoolFailed(_logger, $"{died} idle sandbox(es) exited before use; refilling in a second.");
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }

                await DisposeRetiredAsync();
                while (Count() < _options.WarmPoolSize)
                {
                    await Task.Delay(RefillPause(), stoppingToken);
                    var name = WorkerIds.SandboxName(WorkerIds.New());
                    var spec = new SandboxSpec(name, WorkerHostCommand.Create(_options.DataPlaneTls, pooled: true), WorkerHostCommand.HostDirectory, _options.GemCacheDirectory, _options.TrustDirectory, _options.Limits, _options.DataPlaneAddress);
                    var sandbox = await _sandboxes.StartAsync(spec, stoppingToken);
                    GemLocation? gem;
                    lock (_idle)
                    {
                        gem = _likely;
                    }

                    if (gem is not null)
                    {
                        // Should the host die before reading it, the write fails and the prune below reaps the sandbox.
                        await PrimeAsync(sandbox, gem, stoppingToken);
                    }

                    lock (_idle)
                    {
                        _idle.Add(new Pooled(sandbox, gem));
                    }

                    _ = sandbox.Exited.ContinueWith(_ => _changed.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                await _changed.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Log.WarmPoolFailed(_logger, ex.Message);
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        ISandbox[] idle;
        lock (_idle)
        {
            idle = [.. _idle.Select(p => p.Sandbox)];
            _idle.Clear();
        }

        foreach (var sandbox in idle)
        {
            await sandbox.DisposeAsync();
        }

        await DisposeRetiredAsync();
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private int Count()
    {
        lock (_idle)
        {
            return _idle.Count;
        }
    }

    /// <summary>
    /// How long the refill should still wait: a new host's start and warm-up take a core for about half a second, and
    /// the summon that took the last host is still connecting and making its first call, so it goes first.
    /// </summary>
    private TimeSpan RefillPause()
    {
        long lastTake;
        lock (_idle)
        {
            lastTake = _lastTake;
        }

        var remaining = RefillAfterTake - Stopwatch.GetElapsedTime(lastTake);
        return lastTake == 0 || remaining <= TimeSpan.Zero ? TimeSpan.Zero : remaining;
    }

    private static async Task PrimeAsync(ISandbox sandbox, GemLocation gem, CancellationToken cancellationToken)
    {
        try
        {
            await HostInput.WriteAsync(sandbox, new WorkerHostInstruction { Prime = gem }, cancellationToken);
        }
        catch (IOException)
        {
            // The host is gone; PruneExitedAsync disposes its sandbox.
        }
    }

    private async Task<int> PruneExitedAsync()
    {
        ISandbox[] exited;
        lock (_idle)
        {
            exited = [.. _idle.Where(p => p.Sandbox.Exited.IsCompleted).Select(p => p.Sandbox)];
            _idle.RemoveAll(p => p.Sandbox.Exited.IsCompleted);
        }

        foreach (var sandbox in exited)
        {
            await sandbox.DisposeAsync();
        }

        return exited.Length;
    }

    private async Task DisposeRetiredAsync()
    {
        ISandbox[] retired;
        lock (_idle)
        {
            retired = [.. _retired];
            _retired.Clear();
        }

        foreach (var sandbox in retired)
        {
            await sandbox.DisposeAsync();
        }
    }

    /// <summary>An idle sandbox, and the gem its host was primed with (null: none yet, it can run any code).</summary>
    private sealed record Pooled(ISandbox Sandbox, GemLocation? Gem);
}
