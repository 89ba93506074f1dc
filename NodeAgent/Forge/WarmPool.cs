using System.Diagnostics;
using MeshRpc.ControlPlane;
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
/// The pool keeps at least <c>--warm-pool</c> hosts, and up to <c>--warm-pool-max</c> as many as the largest burst of
/// summons it saw lately (<see cref="PoolDemand"/>, <see cref="PoolSizing"/>), never more than the node's free slots;
/// it stops growing while the node is short of memory, and shrinks back once bursts stop. Refills start only while the
/// node's processors have time to spare. Summons of one gem tend to come in runs, so a refill primes its host with the
/// gem whose bursts its idle hosts fall furthest short of: the host loads it while it waits, and the next summon of
/// that gem skips the load. <see cref="PoolChoice"/> says which host a summon takes.
/// </remarks>
public sealed class WarmPool : BackgroundService
{
    private static readonly TimeSpan RefillAfterTake = TimeSpan.FromMilliseconds(250);

    // How often the pool looks again without being woken: demand ages, and the pool shrinks as it does.
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(2);

    // A refill starts only while the node's processors are this idle (checked over CpuSample): starting and warming a
    // host takes a core for about half a second, which summons and running workers need more. Below the pool's floor,
    // a refill waits no longer than RefillPatience, so that a busy node still gets its floor.
    private const double RefillBusyLimit = 0.7;
    private static readonly TimeSpan CpuSample = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RefillPatience = TimeSpan.FromSeconds(10);

    private readonly NodeAgentOptions _options;
    private readonly ISandboxProvider _sandboxes;
    private readonly WorkerTable _workers;
    private readonly TimeProvider _time;
    private readonly ILogger<WarmPool> _logger;
    private readonly List<Pooled> _idle = [];
    private readonly List<ISandbox> _retired = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly PoolDemand _demand;
    private readonly Dictionary<string, PoolGem> _gems = new(StringComparer.Ordinal);
    private long _lastTake;

    /// <summary>Creates the pool.</summary>
    public WarmPool(NodeAgentOptions options, ISandboxProvider sandboxes, WorkerTable workers, TimeProvider time, ILogger<WarmPool> logger)
    {
        _options = options;
        _sandboxes = sandboxes;
        _workers = workers;
        _time = time;
        _logger = logger;
        _demand = new PoolDemand(TimeSpan.FromSeconds(options.WarmPoolKeepSeconds));
    }

    /// <summary>
    /// Takes an idle sandbox that can run <paramref name="gem"/>, one primed with it first, or returns null when there is
    /// none (or the pool is disabled). Either way the summon counts as demand: for that gem, or, when
    /// <paramref name="justMade"/> (compiled for this very summon, no sign of a run of summons to prime for), for an
    /// unprimed host.
    /// </summary>
    public ISandbox? TryTake(PoolGem gem, bool justMade = false)
    {
        if (_options.WarmPoolCeiling <= 0)
        {
            return null;
        }

        Pooled? taken = null;
        bool changed;
        lock (_idle)
        {
            _demand.Record(justMade ? null : gem.Digest, _time.GetUtcNow());
            if (!justMade)
            {
                _gems[gem.Digest] = gem;
            }

            var live = _idle.Where(p => !p.Sandbox.Exited.IsCompleted).ToList();
            var pick = PoolChoice.For([.. live.Select(p => p.Gem?.Location)], gem.Location);
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

            changed = taken is not null || _retired.Count > 0 || _options.WarmPoolCeiling > _options.WarmPoolSize;
        }

        if (changed)
        {
            _changed.Release();
        }

        return taken?.Sandbox;
    }

    /// <summary>The idle hosts, by the gem each is primed with, as the node reports them to the gateway.</summary>
    public IReadOnlyList<WarmHosts> Report()
    {
        lock (_idle)
        {
            return [.. _idle.Where(p => !p.Sandbox.Exited.IsCompleted)
                .GroupBy(p => p.Gem?.Digest)
                .Select(g => new WarmHosts(g.Key, g.Count()))
                .OrderBy(w => w.GemDigest, StringComparer.Ordinal)];
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.WarmPoolCeiling <= 0)
        {
            return;
        }

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
                // A sandbox that would not start (the node out of processes, say) must not end the pool for good.
                Log.WarmPoolFailed(_logger, $"{ex.Message}; trying again in a second.");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One pass: reaps idle hosts that died, retires the surplus, and starts the hosts the pool lacks.</summary>
    private async Task RefillAsync(CancellationToken stoppingToken)
    {
        var died = await PruneExitedAsync();
        if (died > 0)
        {
            // Idle sandboxes should not die; if they keep doing so, refilling at full speed would only churn.
            Log.WarmPoolFailed(_logger, $"{died} idle sandbox(es) exited before use; refilling in a second.");
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }

        RetireSurplus();
        await DisposeRetiredAsync();
        while (NextRefill() is { } refill)
        {
            await Task.Delay(RefillPause(), stoppingToken);
            if (!await CpuToSpareAsync(stoppingToken))
            {
                // The node stayed busy: look again after pruning and retiring (demand may have changed meanwhile).
                return;
            }

            var name = WorkerIds.SandboxName(WorkerIds.New());
            var spec = new SandboxSpec(name, WorkerHostCommand.Create(_options.DataPlaneTls, pooled: true), WorkerHostCommand.HostDirectory, _options.GemCacheDirectory, _options.TrustDirectory, _options.Limits, _options.DataPlaneAddress);
            var sandbox = await _sandboxes.StartAsync(spec, stoppingToken);
            if (refill.Gem is { } gem)
            {
                // Should the host die before reading it, the write fails and the prune reaps the sandbox.
                await PrimeAsync(sandbox, gem.Location, stoppingToken);
            }

            lock (_idle)
            {
                _idle.Add(new Pooled(sandbox, refill.Gem));
            }

            _ = sandbox.Exited.ContinueWith(_ => _changed.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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

    /// <summary>How many idle hosts the pool should hold now (<see cref="PoolSizing.Target"/>); called under the lock.</summary>
    private int Target(DateTimeOffset now) => PoolSizing.Target(
        _options.WarmPoolSize, _options.WarmPoolCeiling, _demand.Burst(now), _options.Slots - _workers.Count, _idle.Count,
        NodeMemory.AvailableBytes, _options.Limits.MemoryBytes);

    /// <summary>The next host to add, with the gem to prime it with (null: none), or null when the pool is full enough.</summary>
    private Refill? NextRefill()
    {
        lock (_idle)
        {
            var now = _time.GetUtcNow();
            if (_idle.Count >= Target(now))
            {
                return null;
            }

            var prime = PoolSizing.PrimeFor(_demand, [.. _idle.Select(p => p.Gem?.Digest)], now);
            return new Refill(prime is not null && _gems.TryGetValue(prime, out var gem) ? gem : null);
        }
    }

    /// <summary>Moves the idle hosts beyond the target (the oldest first) to the retired list, to be stopped.</summary>
    private void RetireSurplus()
    {
        lock (_idle)
        {
            var surplus = _idle.Count - Target(_time.GetUtcNow());
            for (var i = 0; i < surplus; i++)
            {
                _retired.Add(_idle[0].Sandbox);
                _idle.RemoveAt(0);
            }
        }
    }

    /// <summary>
    /// Waits until the node's processors are idle enough for a refill: true when they are (or the node cannot say),
    /// false when they stayed busy for <see cref="RefillPatience"/> and the pool holds at least its floor.
    /// </summary>
    private async Task<bool> CpuToSpareAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.GetTimestamp();
        while (await NodeCpu.BusyFractionAsync(CpuSample, cancellationToken) is { } busy && busy > RefillBusyLimit)
        {
            if (Stopwatch.GetElapsedTime(waited) >= RefillPatience)
            {
                lock (_idle)
                {
                    return _idle.Count < _options.WarmPoolSize;
                }
            }
        }

        return true;
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
    private sealed record Pooled(ISandbox Sandbox, PoolGem? Gem);

    /// <summary>A host to add, and the gem to prime it with.</summary>
    private sealed record Refill(PoolGem? Gem);
}

/// <summary>A gem as the pool knows it: its digest (how the gateway names it) and where its hosts load it from.</summary>
public sealed record PoolGem(string Digest, GemLocation Location);
