using MeshRpc.Hosting;
using MeshRpc.TestWorker;

namespace MeshRpc.Runtime.Tests.Client;

/// <summary>
/// Both ends reuse a call's state (the caller its pending call, the worker its cancellation source): calls made,
/// cancelled and timed out at once on one real connection must each end with their own result or their own failure.
/// </summary>
public sealed class ConcurrentCallStateTests
{
    private const int Loops = 8;
    private const int CallsPerLoop = 150;

    [Fact]
    public async Task CallsAtOnce_SomeCancelledAndSomeTimedOut_EachEndWithTheirOwnResult()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var server = new WorkerServer(LoopbackTickets.ServerOptions(), MeshContracts.Get<IShapesWorker>(), new ShapesWorker());
        var endpoint = server.Start();
        await using var connection = await WorkerConnection.ConnectAsync(LoopbackTickets.For<IShapesWorker>(endpoint), MeshContracts.Get<IShapesWorker>(), cancellation);
        var worker = GhostProxies.Create<IShapesWorker>(connection);

        var loops = await Task.WhenAll(Enumerable.Range(0, Loops).Select(loop => Task.Run(() => CallAsync(worker, loop, cancellation), cancellation)))
            .WaitAsync(TimeSpan.FromSeconds(60), cancellation);

        // Every answer was its own call's (checked in the loop); each kind of ending happened.
        Assert.Equal(Loops * CallsPerLoop, loops.Sum(l => l.Answered + l.Cancelled + l.TimedOut));
        Assert.True(loops.Sum(l => l.Answered) > 0, "No sleeping call was answered.");
        Assert.True(loops.Sum(l => l.Cancelled) > 0, "No call was cancelled.");
        Assert.True(loops.Sum(l => l.TimedOut) > 0, "No call timed out.");
    }

    // Each round: a call that must answer its own value (sharing its result type, so its pending calls, with the
    // sleeping one), then a sleep its caller may cancel, or whose timeout may pass, at once or a few milliseconds in.
    private static async Task<(int Answered, int Cancelled, int TimedOut)> CallAsync(IShapesWorker worker, int loop, CancellationToken cancellation)
    {
        var (answered, cancelled, timedOut) = (0, 0, 0);
        for (var i = 0; i < CallsPerLoop; i++)
        {
            var value = (loop * CallsPerLoop) + i;
            var added = await worker.AddAsync(value);
            Assert.True(added == value + 1, $"AddAsync({value}) answered {added}: another call's result.");

            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            cancel.CancelAfter(TimeSpan.FromMilliseconds(i % 4));
            var sleep = i % 6;
            try
            {
                int slept;
                using (i % 3 == 0 ? MeshCall.Timeout(TimeSpan.FromMilliseconds(1 + (i % 2))) : null)
                {
                    slept = await worker.SleepAsync(sleep, i % 3 == 0 ? cancellation : cancel.Token);
                }

                Assert.True(slept == sleep, $"SleepAsync({sleep}) answered {slept}: another call's result.");
                answered++;
            }
            catch (CallTimeoutException)
            {
                timedOut++;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                cancelled++;
            }
        }

        return (answered, cancelled, timedOut);
    }
}
