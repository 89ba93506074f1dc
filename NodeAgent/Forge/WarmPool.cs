using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Sandboxes;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>
/// Pre-forged sandboxes whose worker hosts have started and wait on standard input for their code. A summon takes one
/// and only injects the code; the pool refills in the background. Each pooled sandbox is already named after the
/// worker id it will serve as.
/// </summary>
public sealed class WarmPool : BackgroundService
{
    private readonly NodeAgentOptions _options;
    private readonly ISandboxProvider _sandboxes;
    private readonly ILogger<WarmPool> _logger;
    private readonly List<ISandbox> _idle = [];
    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>Creates the pool.</summary>
    public WarmPool(NodeAgentOptions options, ISandboxProvider sandboxes, ILogger<WarmPool> logger)
    {
        _options = options;
        _sandboxes = sandboxes;
        _logger = logger;
    }

    /// <summary>Takes an idle sandbox, or null when the pool is empty (or disabled).</summary>
    public ISandbox? TryTake()
    {
        ISandbox? taken;
        lock (_idle)
        {
            taken = _idle.FirstOrDefault(s => !s.Exited.IsCompleted);
            if (taken is not null)
            {
                _idle.Remove(taken);
            }
        }

        if (taken is not null)
        {
            _changed.Release();
        }

        return taken;
    }

    /// <summary>The worker id a sandbox's name carries.</summary>
    public static string WorkerIdOf(ISandbox sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        return sandbox.Name[LxcSandboxProvider.NamePrefix.Length..];
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

                while (Count() < _options.WarmPoolSize)
                {
                    var name = LxcSandboxProvider.NamePrefix + "w-" + Guid.NewGuid().ToString("N")[..16];
                    var spec = new SandboxSpec(name, WorkerHostCommand.Create(_options.DataPlaneTls, pooled: true), WorkerHostCommand.HostDirectory, _options.GemCacheDirectory, _options.Limits);
                    var sandbox = await _sandboxes.StartAsync(spec, stoppingToken);
                    lock (_idle)
                    {
                        _idle.Add(sandbox);
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
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var sandbox in idle)
        {
            await sandbox.DisposeAsync();
        }
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

    private async Task<int> PruneExitedAsync()
    {
        ISandbox[] exited;
        lock (_idle)
        {
            exited = [.. _idle.Where(s => s.Exited.IsCompleted)];
            _idle.RemoveAll(s => s.Exited.IsCompleted);
        }

        foreach (var sandbox in exited)
        {
            await sandbox.DisposeAsync();
        }

        return exited.Length;
    }
}
