using System.Runtime.InteropServices;

namespace MeshRpc.Cli;

/// <summary>
/// Ctrl+C and SIGTERM as a cancellation token, for verbs that hold something in the foreground (a mesh, a worker) and
/// must let go of it the orderly way, however long that takes, instead of being killed mid-teardown.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public StopSignal()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    /// <summary>Cancelled once Ctrl+C or SIGTERM arrives.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Completes once Ctrl+C or SIGTERM arrives.</summary>
    public Task Requested => Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }
}
