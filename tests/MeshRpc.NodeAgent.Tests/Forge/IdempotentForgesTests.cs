using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Forge;

namespace MeshRpc.NodeAgent.Tests.Forge;

/// <summary>A forge sent again under the same key gets the first one's worker; only a failed first forge is made again.</summary>
public sealed class IdempotentForgesTests
{
    private readonly IdempotentForges _forges = new(TimeProvider.System);

    [Fact]
    public async Task TheSameKeyAtOnce_ForgesOnce_AndEveryAttemptGetsThatWorker()
    {
        var forged = 0;
        var release = new TaskCompletionSource();
        async Task<ForgeResponse> Forge()
        {
            Interlocked.Increment(ref forged);
            await release.Task;
            return Response("w-1");
        }

        var attempts = Enumerable.Range(0, 5).Select(_ => _forges.RunAsync("alice|k1", Forge, TestContext.Current.CancellationToken)).ToList();
        release.SetResult();
        var answers = await Task.WhenAll(attempts);

        Assert.Equal(1, forged);
        Assert.All(answers, answer => Assert.Equal("w-1", answer.WorkerId));
        Assert.Equal("w-1", (await _forges.RunAsync("alice|k1", Forge, TestContext.Current.CancellationToken)).WorkerId);
        Assert.Equal(1, forged);
        Assert.Equal("w-2", (await _forges.RunAsync("alice|k2", () => Task.FromResult(Response("w-2")), TestContext.Current.CancellationToken)).WorkerId);
    }

    [Fact]
    public async Task AFirstForgeThatFailed_IsMadeAgain_ByTheRetry()
    {
        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            _forges.RunAsync("alice|k1", () => Task.FromException<ForgeResponse>(new OperationCanceledException("its gateway went away")), TestContext.Current.CancellationToken));

        Assert.Equal("w-again", (await _forges.RunAsync("alice|k1", () => Task.FromResult(Response("w-again")), TestContext.Current.CancellationToken)).WorkerId);
    }

    private static ForgeResponse Response(string workerId) => new()
    {
        WorkerId = workerId, Endpoint = "tls://127.0.0.1:1", WorkerKey = "a2V5", ProcessId = 1, Sandbox = "process",
    };
}
