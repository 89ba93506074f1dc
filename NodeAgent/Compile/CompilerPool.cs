using System.Diagnostics;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.NodeAgent.Sandboxes;

namespace MeshRpc.NodeAgent.Compile;

/// <summary>
/// Compile sandboxes whose compiler has started, read its references and rehearsed a compilation, waiting on standard
/// input for a summon's source (<c>--warm-compilers</c>). Each compiles one source and is thrown away: hostile source
/// never shares a compiler with another's. The pool fills once the node has compiled source, and empties when no source
/// has come for a while; a refill waits until the summon that took a compiler has had the processors for a moment.
/// </summary>
public sealed class CompilerPool : BackgroundService
{
    // A warm compiler costs about 1.5 s of CPU to make; the summon that took one needs the node first.
    private static readonly TimeSpan RefillAfterTake = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    private readonly NodeAgentOptions _options;
    private readonly ISandboxProvider _sandboxes;
    private readonly ILogger<CompilerPool> _logger;
    private readonly List<ISandbox> _idle = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly TimeSpan _keep;
    private long _lastTake;

    /// <summary>Creates the pool.</summary>
    public CompilerPool(NodeAgentOptions options, ISandboxProvider sandboxes, ILogger<CompilerPool> logger)
    {
        _options = options;
        _sandboxes = sandboxes;
        _logger = logger;
        _keep = TimeSpan.FromSeconds(options.WarmPoolKeepSeconds * 10);
    }

    /// <summary>Takes a warm compiler, or starts a cold one when none is idle; either way the node now wants warm ones.</summary>
    public async Task<(ISandbox Compiler, bool Warm)> TakeAsync(CancellationToken cancellationToken)
    {
        ISandbox? taken;
        lock (_idle)
        {
            _lastTake = Stopwatch.GetTimestamp();
            taken = _idle.FirstOrDefault(s => !s.Exited.IsCompleted);
            if (taken is not null)
            {
                _idle.Remove(taken);
            }
        }

        _changed.Release();
        return taken is not null ? (taken, true) : (await StartAsync(pooled: false, cancellationToken), false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefillAsync(stoppingToken);
                await _changed.WaitAsync(Recheck, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping.
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                Log.WarmPoolFailed(_logger, $"a compile sandbox would not start: {ex.Message}; trying again in a few seconds.");
                await Task.Delay(Recheck, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DisposeAllAsync(_ => true);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private async Task RefillAsync(CancellationToken stoppingToken)
    {
        await DisposeAllAsync(s => s.Exited.IsCompleted);
        if (Target() == 0)
        {
            // No source lately: the warm compilers' memory is better spent on workers.
            await DisposeAllAsync(_ => true);
            return;
        }

        while (true)
        {
            lock (_idle)
            {
                if (_idle.Count >= Target())
                {
                    return;
                }
            }

            var sinceTake = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastTake));
            if (sinceTake < RefillAfterTake)
            {
                await Task.Delay(RefillAfterTake - sinceTake, stoppingToken);
                continue;
            }

            var compiler = await StartAsync(pooled: true, stoppingToken);
            lock (_idle)
            {
                _idle.Add(compiler);
            }

            _ = compiler.Exited.ContinueWith(_ => _changed.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>How many warm compilers the node should hold now: none until source comes, and none once it stops coming.</summary>
    private int Target()
    {
        var lastTake = Interlocked.Read(ref _lastTake);
        return lastTake != 0 && Stopwatch.GetElapsedTime(lastTake) < _keep ? _options.WarmCompilers : 0;
    }

    private Task<ISandbox> StartAsync(bool pooled, CancellationToken cancellationToken)
    {
        // A compile sandbox is a worker's sandbox (same limits, no network beyond its own namespace) running the compiler.
        var spec = new SandboxSpec(
            LxcSandboxProvider.NamePrefix + "c-" + Guid.NewGuid().ToString("N")[..16], WorkerHostCommand.Compiler(pooled), WorkerHostCommand.HostDirectory,
            _options.GemCacheDirectory, _options.TrustDirectory, _options.Limits, _options.DataPlaneAddress);
        return _sandboxes.StartAsync(spec, cancellationToken);
    }

    private async Task DisposeAllAsync(Func<ISandbox, bool> which)
    {
        ISandbox[] gone;
        lock (_idle)
        {
            gone = [.. _idle.Where(which)];
            _idle.RemoveAll(s => gone.Contains(s));
        }

        foreach (var sandbox in gone)
        {
            await sandbox.DisposeAsync();
        }
    }
}
