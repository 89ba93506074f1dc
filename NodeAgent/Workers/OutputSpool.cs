using MeshRpc.ControlPlane;

namespace MeshRpc.NodeAgent.Workers;

/// <summary>
/// A worker's printed output, <c>omega_spool</c>: its standard error from the start, and its standard output after the
/// host's start-up status line, read as it arrives (a worker never blocks on a full pipe) and kept as lines, the newest
/// within a byte budget. A line longer than <see cref="MaxLineChars"/> is kept in pieces that long.
/// </summary>
public sealed class OutputSpool
{
    /// <summary>The longest line kept whole; a worker printing without newlines fills the spool in pieces this long.</summary>
    public const int MaxLineChars = 16 * 1024;

    /// <summary>The stream name of standard output.</summary>
    public const string StandardOutput = "stdout";

    /// <summary>The stream name of standard error.</summary>
    public const string StandardError = "stderr";

    private readonly long _budgetBytes;
    private readonly Queue<WorkerLogLine> _lines = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private long _bytes;

    // Lines appended so far: a follower's place in the spool, which outlives the lines dropped behind it.
    private long _appended;
    private int _capturing;
    private bool _workerEnded;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a spool that keeps the newest lines within <paramref name="budgetBytes"/> (counted as UTF-16 text).</summary>
    public OutputSpool(long budgetBytes, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetBytes);
        _budgetBytes = budgetBytes;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many lines were dropped, oldest first, to stay within the budget.</summary>
    public long Dropped { get; private set; }

    /// <summary>The lines kept, oldest first.</summary>
    public IReadOnlyList<WorkerLogLine> Lines()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    /// <summary>Keeps one line, dropping the oldest while the spool is over its budget.</summary>
    public void Append(string stream, string text)
    {
        var line = new WorkerLogLine(_time.GetUtcNow(), stream, text);
        Changed(() =>
        {
            _lines.Enqueue(line);
            _appended++;
            _bytes += Size(line);
            while (_bytes > _budgetBytes && _lines.Count > 1)
            {
                _bytes -= Size(_lines.Dequeue());
                Dropped++;
            }
        });
    }

    /// <summary>Says the worker has ended: followers stop once what it printed has been read to the end.</summary>
    public void WorkerEnded() => Changed(() => _workerEnded = true);

    /// <summary>
    /// The lines kept now, then each new one as it comes, until the worker has ended and its output is read to the end
    /// (or <paramref name="cancellationToken"/> stops it). Lines dropped before a slow follower reached them are skipped.
    /// </summary>
    public async IAsyncEnumerable<WorkerLogLine> FollowAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long next = 0;
        while (true)
        {
            WorkerLogLine[] batch;
            Task changed;
            bool over;
            lock (_gate)
            {
                var oldestKept = _appended - _lines.Count;
                batch = [.. _lines.Skip((int)Math.Max(0, next - oldestKept))];
                next = _appended;
                changed = _changed.Task;
                over = _workerEnded && _capturing == 0;
            }

            foreach (var line in batch)
            {
                yield return line;
            }

            if (over)
            {
                yield break;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads <paramref name="reader"/> to its end (the worker's exit), keeping each line as <paramref name="stream"/>'s;
    /// <paramref name="divert"/>, when given, first takes what is not the worker's own output out of each line and
    /// returns what is left to keep (null: nothing).
    /// </summary>
    public async Task CaptureAsync(TextReader reader, string stream, Func<string, string?>? divert = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Changed(() => _capturing++);
        var buffer = new char[4096];
        var line = new System.Text.StringBuilder();
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                foreach (var c in buffer.AsSpan(0, read))
                {
                    if (c == '\n' || line.Length == MaxLineChars)
                    {
                        Keep(stream, line.ToString().TrimEnd('\r'), divert);
                        line.Clear();
                        if (c == '\n')
                        {
                            continue;
                        }
                    }

                    line.Append(c);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException)
        {
            // The sandbox was torn down under the read: its output ends here, like at the worker's exit.
        }

        if (line.Length > 0)
        {
            Keep(stream, line.ToString(), divert);
        }

        Changed(() => _capturing--);
    }

    private void Keep(string stream, string text, Func<string, string?>? divert)
    {
        if ((divert is null ? text : divert(text)) is { } kept)
        {
            Append(stream, kept);
        }
    }

    // Changes the spool under its lock, then wakes its followers.
    private void Changed(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    private static long Size(WorkerLogLine line) => 2L * line.Text.Length + 64;
}
