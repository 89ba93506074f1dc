using System.Collections.Concurrent;
using MeshRpc.ControlPlane;
using MeshRpc.Hosting;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.NodeAgent.Telemetry;

namespace MeshRpc.NodeAgent.Workers;

/// <summary>One worker this node runs, what it has printed, and when its lifetime ends.</summary>
public sealed record RunningWorker(WorkerReport Report, ISandbox Sandbox, OutputSpool Spool)
{
    private long _endsAtTicks;

    /// <summary>When the node tears the worker down; null: never (it lives while its caller heartbeats).</summary>
    public DateTimeOffset? EndsAt
    {
        get => Interlocked.Read(ref _endsAtTicks) is > 0 and var ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        set => Interlocked.Exchange(ref _endsAtTicks, value?.UtcTicks ?? 0);
    }
}

/// <summary>The workers alive on this node. A worker leaves the table the moment its sandbox exits, for whatever reason.</summary>
public sealed class WorkerTable
{
    private readonly ConcurrentDictionary<string, RunningWorker> _workers = new(StringComparer.Ordinal);

    // What ended workers printed, kept for a while so that a crash can still be read.
    private readonly ConcurrentDictionary<string, (OutputSpool Spool, DateTimeOffset Ended)> _ended = new(StringComparer.Ordinal);
    private readonly TimeSpan _keepSpools;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkerTable> _logger;
    private readonly AgentTelemetry _telemetry;
    private long _added;

    /// <summary>Creates the table.</summary>
    public WorkerTable(NodeAgentOptions options, TimeProvider time, ILogger<WorkerTable> logger, AgentTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(options);
        _telemetry = telemetry;
        _keepSpools = TimeSpan.FromSeconds(options.SpoolKeepSeconds);
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// What the worker printed: while it runs, and for <c>--spool-keep-seconds</c> after it ended; null for a worker this
    /// node does not know or has forgotten.
    /// </summary>
    public OutputSpool? SpoolOf(string workerId) =>
        _workers.TryGetValue(workerId, out var worker) ? worker.Spool
        : _ended.TryGetValue(workerId, out var ended) && _time.GetUtcNow() - ended.Ended < _keepSpools ? ended.Spool
        : null;

    /// <summary>How many workers run now.</summary>
    public int Count => _workers.Count;

    /// <summary>The report of a live worker, or null when no such worker runs here.</summary>
    public WorkerReport? Find(string workerId) => _workers.TryGetValue(workerId, out var worker) ? worker.Report : null;

    /// <summary>Reports of every live worker.</summary>
    public IReadOnlyList<WorkerReport> Reports() => [.. _workers.Values.Select(w => w.Report)];

    /// <summary>
    /// Reports of every live worker, and how many workers had been added when they were taken: every worker whose
    /// <see cref="Add"/> returned at most that number is listed, unless it has ended since.
    /// </summary>
    public (IReadOnlyList<WorkerReport> Workers, long Added) Snapshot()
    {
        // Read first: a worker counted here was in the table before, so the listing below sees it if it still runs.
        var added = Interlocked.Read(ref _added);
        return (Reports(), added);
    }

    /// <summary>Adds a worker and reaps it when its sandbox exits; returns its number in the order workers were added.</summary>
    public long Add(RunningWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        _workers[worker.Report.WorkerId] = worker;
        var number = Interlocked.Increment(ref _added);
        _ = ReapAsync(worker);
        return number;
    }

    /// <summary>Sets when a worker ends; false when the worker is not here.</summary>
    public bool SetLifetime(string workerId, DateTimeOffset endsAt)
    {
        if (!_workers.TryGetValue(workerId, out var worker))
        {
            return false;
        }

        worker.EndsAt = endsAt;
        return true;
    }

    /// <summary>The workers whose lifetime has ended by <paramref name="now"/>, with when it did.</summary>
    public IReadOnlyList<(string WorkerId, DateTimeOffset EndsAt)> PastTheirLifetime(DateTimeOffset now) =>
        [.. _workers.Values.Where(w => w.EndsAt <= now).Select(w => (w.Report.WorkerId, w.EndsAt!.Value))];

    /// <summary>Kills a worker's sandbox; false when the worker is not here.</summary>
    public async Task<bool> DestroyAsync(string workerId)
    {
        if (!_workers.TryRemove(workerId, out var worker))
        {
            return false;
        }

        await worker.Sandbox.DisposeAsync();
        Ended(worker);
        Log.WorkerDestroyed(_logger, workerId);
        return true;
    }

    /// <summary>Kills every worker; used when the agent stops.</summary>
    public Task DestroyAllAsync() => Task.WhenAll(_workers.Keys.Select(DestroyAsync));

    private async Task ReapAsync(RunningWorker worker)
    {
        var exitCode = await worker.Sandbox.Exited;
        if (_workers.TryRemove(new KeyValuePair<string, RunningWorker>(worker.Report.WorkerId, worker)))
        {
            Log.WorkerExited(_logger, worker.Report.WorkerId, exitCode, WorkerHostProcess.ExitReason(exitCode));
            if (exitCode == WorkerHostProcess.HeartbeatLost)
            {
                _telemetry.HeartbeatLost();
            }

            await worker.Sandbox.DisposeAsync();
            Ended(worker);
        }
    }

    // Keeps the worker's spool readable for a while, and forgets the spools kept long enough.
    private void Ended(RunningWorker worker)
    {
        var now = _time.GetUtcNow();
        worker.Spool.WorkerEnded();
        _ended[worker.Report.WorkerId] = (worker.Spool, now);
        foreach (var (workerId, ended) in _ended)
        {
            if (now - ended.Ended >= _keepSpools)
            {
                _ended.TryRemove(new KeyValuePair<string, (OutputSpool, DateTimeOffset)>(workerId, ended));
            }
        }
    }
}
