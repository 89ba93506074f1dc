using System.Diagnostics;
using System.Text;
using MeshRpc.TestWorker;

namespace MeshRpc.Runtime.Tests.Client;

/// <summary>The caller's own JSON-RPC core, against a worker the test plays byte by byte over a real loopback socket.</summary>
public sealed class CallChannelTests
{
    [Fact]
    public async Task RepliesOutOfOrder_AndWithTheirMembersInAnyOrder_ReachTheirOwnCalls()
    {
        await using var worker = new ScriptedWorker();
        await using var connection = await worker.ConnectAsync();
        var proxy = GhostProxies.Create<ITestWorker>(connection);

        var first = proxy.EchoAsync("first");
        var firstId = (await worker.ReadAsync()).GetProperty("id").GetInt64();
        var second = proxy.EchoAsync("second");
        var secondId = (await worker.ReadAsync()).GetProperty("id").GetInt64();

        await worker.SendAsync($$"""{"result":"two","id":{{secondId}},"jsonrpc":"2.0"}""");
        Assert.Equal("two", await second);
        Assert.False(first.IsCompleted);
        await worker.SendAsync($$"""{"jsonrpc":"2.0","id":{{firstId}},"result":"one"}""");
        Assert.Equal("one", await first);
    }

    [Fact]
    public async Task ARequest_CarriesItsArguments_TheCallersTraceContext_AndWhatIsLeftOfItsTimeout()
    {
        await using var worker = new ScriptedWorker();
        await using var connection = await worker.ConnectAsync();
        var proxy = GhostProxies.Create<ITestWorker>(connection);
        using var activity = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();

        Task<string> call;
        using (MeshCall.Timeout(TimeSpan.FromSeconds(20)))
        {
            call = proxy.EchoAsync("hello");
        }

        var request = await worker.ReadAsync();
        Assert.Equal("2.0", request.GetProperty("jsonrpc").GetString());
        Assert.Equal("Echo", request.GetProperty("method").GetString());
        Assert.Equal("hello", request.GetProperty("params")[0].GetString());
        Assert.Equal(activity.Id, request.GetProperty("traceparent").GetString());
        Assert.InRange(request.GetProperty("timeoutMs").GetInt32(), 1, 20_000);
        await worker.SendAsync($$"""{"jsonrpc":"2.0","id":{{request.GetProperty("id").GetInt64()}},"result":"hello"}""");
        Assert.Equal("hello", await call);
    }

    [Fact]
    public async Task AnErrorReply_FailsItsCall_WithTheWorkersExceptionTypeAndMessage_AndTheConnectionServesOn()
    {
        await using var worker = new ScriptedWorker();
        await using var connection = await worker.ConnectAsync();
        var proxy = GhostProxies.Create<ITestWorker>(connection);

        var failing = proxy.EchoAsync("boom");
        var id = (await worker.ReadAsync()).GetProperty("id").GetInt64();
        await worker.SendAsync($$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"error":{"code":-32000,"message":"Boom.","data":{"type":"System.InvalidOperationException","message":"Boom."}}}""");

        var thrown = await Assert.ThrowsAsync<RemoteWorkerException>(() => failing);
        Assert.Equal("System.InvalidOperationException", thrown.RemoteTypeName);
        Assert.Equal("Boom.", thrown.RemoteMessage);
        Assert.Equal(-32000, Assert.IsType<WorkerErrorReplyException>(thrown.InnerException).Code);

        var next = proxy.EchoAsync("next");
        var nextId = (await worker.ReadAsync()).GetProperty("id").GetInt64();
        await worker.SendAsync($$"""{"jsonrpc":"2.0","id":{{nextId}},"result":"next"}""");
        Assert.Equal("next", await next);
    }

    [Fact]
    public async Task AMethodTheWorkerDoesNotServe_IsRefused_AsADifferentContract()
    {
        await using var worker = new ScriptedWorker();
        await using var connection = await worker.ConnectAsync();
        var proxy = GhostProxies.Create<ITestWorker>(connection);

        var call = proxy.EchoAsync("x");
        var id = (await worker.ReadAsync()).GetProperty("id").GetInt64();
        await worker.SendAsync($$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":-32601,"message":"No such method."}}""");

        var refused = await Assert.ThrowsAsync<CallRefusedException>(() => call);
        Assert.Contains("different contracts", refused.Message, StringComparison.Ordinal);
        Assert.True(Assert.IsType<WorkerErrorReplyException>(refused.InnerException).MethodNotFound);
    }

    [Fact]
    public async Task AFrameThatIsNotJson_EndsTheConnection_AndEveryOpenCallFailsAsLost()
    {
        await using var worker = new ScriptedWorker();
        await using var connection = await worker.ConnectAsync();
        var proxy = GhostProxies.Create<ITestWorker>(connection);

        var calls = new[] { proxy.EchoAsync("a"), proxy.EchoAsync("b") };
        await worker.ReadAsync();
        await worker.ReadAsync();
        await worker.SendRawAsync(Encoding.UTF8.GetBytes("this is not JSON-RPC"));

        foreach (var call in calls)
        {
            var lost = await Assert.ThrowsAsync<WorkerLostException>(() => call);
            Assert.Equal(LoopbackTickets.WorkerId, lost.WorkerId);
        }

        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<WorkerLostException>(() => proxy.EchoAsync("after"));
    }

    [Fact]
    public async Task ACancelledCall_EndsAtOnce_TellsTheWorker_AndItsLateReplyIsDropped()
    {
        await using var worker = new ScriptedWorker();
        await using var connection = await worker.ConnectAsync<IShapesWorker>();
        var proxy = GhostProxies.Create<IShapesWorker>(connection);
        using var cancel = new CancellationTokenSource();

        var call = proxy.WaitForCancellationAsync(cancel.Token);
        var id = (await worker.ReadAsync()).GetProperty("id").GetInt64();
        await cancel.CancelAsync();

        // The worker has not answered, and never needs to: the call is over.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var told = await worker.ReadAsync();
        Assert.Equal("$/cancelRequest", told.GetProperty("method").GetString());
        Assert.Equal(id, told.GetProperty("params").GetProperty("id").GetInt64());
        Assert.False(told.TryGetProperty("id", out _));

        await worker.SendAsync($$"""{"jsonrpc":"2.0","id":{{id}},"result":null}""");
        var next = proxy.WasCancelledAsync();
        var nextId = (await worker.ReadAsync()).GetProperty("id").GetInt64();
        await worker.SendAsync($$"""{"jsonrpc":"2.0","id":{{nextId}},"result":true}""");
        Assert.True(await next);
    }

    [Fact]
    public async Task CallsAfterOnesThatFailedOrTimedOut_GetTheirOwnResults()
    {
        // A connection reuses a call's state for later calls of its result type, whatever the earlier call ended with.
        await using var worker = new ScriptedWorker();
        await using var connection = await worker.ConnectAsync<IShapesWorker>();
        var proxy = GhostProxies.Create<IShapesWorker>(connection);
        var token = TestContext.Current.CancellationToken;

        var misshapen = proxy.ScaleAsync(1, 2, token).AsTask();
        await worker.SendAsync($$"""{"jsonrpc":"2.0","id":{{(await worker.ReadAsync()).GetProperty("id").GetInt64()}},"result":"not a number"}""");
        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() => misshapen);

        Task<long> late;
        using (MeshCall.Timeout(TimeSpan.FromMilliseconds(200)))
        {
            late = proxy.ScaleAsync(2, 2, token).AsTask();
        }

        var lateId = (await worker.ReadAsync()).GetProperty("id").GetInt64();
        var timedOut = await Assert.ThrowsAsync<CallTimeoutException>(() => late);
        Assert.Contains("Scale", timedOut.Message, StringComparison.Ordinal);
        Assert.Equal(lateId, (await worker.ReadAsync()).GetProperty("params").GetProperty("id").GetInt64());

        var next = proxy.ScaleAsync(3, 2, token).AsTask();
        var nextId = (await worker.ReadAsync()).GetProperty("id").GetInt64();
        await worker.SendAsync($$"""{"jsonrpc":"2.0","id":{{lateId}},"result":4}""");
        await worker.SendAsync($$"""{"jsonrpc":"2.0","id":{{nextId}},"result":6}""");
        Assert.Equal(6, await next);
    }
}
