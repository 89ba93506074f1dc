using System.Diagnostics;
using MeshRpc.HostProtocol;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;
using MeshRpc.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MeshRpc.IntegrationTests.Telemetry;

/// <summary>
/// One summon and three calls as OpenTelemetry sees them, with the gateway and the agent hosted in this process (real
/// Kestrel servers, real HTTP and mutual TLS between them) and the worker a process in its sandbox, so one in-memory
/// exporter sees the spans of all four: one trace, each span's parent where it belongs, and the metrics under their
/// documented names and units.
/// </summary>
[Collection(TelemetryListeners.Name)]
public sealed class TracingTests
{
    private static readonly ActivitySource Caller = new("MeshRpc.IntegrationTests.Caller");

    [Fact]
    public async Task ASummonAndThreeCalls_AreOneTrace_AcrossCallerGatewayAgentAndWorker_WithTheirMetrics()
    {
        var ct = TestContext.Current.CancellationToken;
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var mesh = await EmbeddedMesh.StartAsync(ct);
        if (SandboxSupport.Required)
        {
            Assert.Equal("lxc", mesh.Sandbox);
        }

        using (var tracer = Sdk.CreateTracerProviderBuilder().AddMeshRpcInstrumentation().AddSource("Microsoft.AspNetCore", "System.Net.Http", Caller.Name).AddInMemoryExporter(spans).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().AddMeshRpcInstrumentation().AddInMemoryExporter(metrics).Build())
        {
            using var client = mesh.CreateClient();
            await client.PublishGemAsync(TestGem.Pack(), ct);

            // What the caller does for one piece of its own work: the summon and the calls share its trace.
            using var callersWork = Caller.StartActivity("caller's work");
            await using (var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct))
            {
                await worker.EchoAsync("one");
                await worker.EchoAsync("two");
                await worker.EchoAsync("three");
            }

            tracer!.ForceFlush();
            meters!.ForceFlush();
        }

        var work = Assert.Single(spans, s => s.Source == Caller);
        var trace = spans.Where(s => s.TraceId == work.TraceId).ToList();
        Activity Span(string source, string name) => Assert.Single(trace, s => s.Source.Name == source && s.DisplayName == name);

        var summon = Span("MeshRpc.Client", "summon " + typeof(ITestWorker).FullName);
        var gatewaySummon = Span("MeshRpc.Gateway", "summon " + typeof(ITestWorker).FullName);
        var forge = Span("MeshRpc.Gateway", "forge");
        var agentForge = Span("MeshRpc.NodeAgent", "forge");
        var connect = Span("MeshRpc.Client", "connect");
        var calls = trace.Where(s => s.Source.Name == "MeshRpc.Client" && s.Kind == ActivityKind.Client && s.DisplayName.EndsWith("/Echo", StringComparison.Ordinal)).ToList();

        // The gateway's summon runs under the HTTP request the caller's summon made; the agent's forge under the
        // gateway's forge request; placement, forge and ticket under the gateway's summon; sandbox and host under the agent's forge.
        Assert.True(IsDescendant(gatewaySummon, summon, trace), "The gateway's summon span is not under the caller's summon.");
        Assert.True(IsDescendant(agentForge, forge, trace), "The agent's forge span is not under the gateway's forge.");
        Assert.Equal(gatewaySummon.SpanId, Span("MeshRpc.Gateway", "placement").ParentSpanId);
        Assert.Equal(gatewaySummon.SpanId, forge.ParentSpanId);
        Assert.Equal(gatewaySummon.SpanId, Span("MeshRpc.Gateway", "ticket").ParentSpanId);
        Assert.Equal(agentForge.SpanId, Span("MeshRpc.NodeAgent", "sandbox").ParentSpanId);
        Assert.Equal(agentForge.SpanId, Span("MeshRpc.NodeAgent", "host").ParentSpanId);
        Assert.Equal(summon.SpanId, connect.ParentSpanId);
        Assert.Equal(3, calls.Count);
        Assert.All([summon, .. calls], span => Assert.Equal(work.SpanId, span.ParentSpanId));

        // Each call's server span comes from the worker host (in its sandbox: LXC in CI), reported through its node.
        var served = trace.Where(s => s.Source.Name == "MeshRpc.Worker").ToList();
        Assert.Equal(3, served.Count);
        Assert.All(served, span =>
        {
            Assert.Equal(ActivityKind.Server, span.Kind);
            Assert.Equal(typeof(ITestWorker).FullName + "/Echo", span.DisplayName);
            Assert.Equal(summon.GetTagItem("meshrpc.worker.id"), span.GetTagItem("meshrpc.worker.id"));
        });
        Assert.Equal(calls.Select(c => c.SpanId.ToHexString()).Order(), served.Select(s => s.ParentSpanId.ToHexString()).Order());
        Assert.All(calls, call =>
        {
            Assert.Equal("jsonrpc", call.GetTagItem("rpc.system"));
            Assert.Equal(typeof(ITestWorker).FullName, call.GetTagItem("rpc.service"));
            Assert.Equal("Echo", call.GetTagItem("rpc.method"));
            Assert.NotNull(call.GetTagItem("server.address"));
            Assert.True(call.GetTagItem("server.port") is int port && port > 0);
        });

        // Exported at the flush and again as the provider closes, cumulatively: the last export holds everything.
        var callDuration = metrics.Last(m => m.Name == "rpc.client.call.duration");
        Assert.Equal("s", callDuration.Unit);
        Assert.Equal(3, CountOf(callDuration));
        Assert.Equal(3, CountOf(metrics.Last(m => m.Name == "rpc.server.call.duration")));
        Assert.Equal("s", metrics.Last(m => m.Name == "meshrpc.client.summon.duration").Unit);
        Assert.Equal("s", metrics.Last(m => m.Name == "meshrpc.summon.duration").Unit);
        Assert.Equal("s", metrics.Last(m => m.Name == "meshrpc.forge.duration").Unit);
        Assert.Contains(metrics, m => m.Name == "meshrpc.warm_pool.misses" || m.Name == "meshrpc.warm_pool.hits");
        Assert.Contains(metrics, m => m.Name == "meshrpc.workers.live");
        Assert.Contains(metrics, m => m.Name == "meshrpc.node.capacity");
    }

    [Fact]
    public async Task WithTheGatewayAndAgentAsProcesses_ASummonAndThreeCalls_AreOneTrace_ExportedOverOtlp()
    {
        var ct = TestContext.Current.CancellationToken;
        using var receiver = new OtlpReceiver();
        var callerSpans = new List<Activity>();

        // The gateway and agent processes started now export to the receiver; no other test runs meanwhile (this collection).
        var variables = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };
        var mesh = new LxcMesh();
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            await mesh.InitializeAsync();
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        await using (mesh)
        {
            SandboxSupport.Require(mesh, "lxc");
            using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(Caller.Name, "System.Net.Http").AddMeshRpcInstrumentation().AddInMemoryExporter(callerSpans).Build();
            using var client = mesh.CreateClient();
            string traceId;
            using (var work = Caller.StartActivity("caller's work"))
            {
                traceId = work!.TraceId.ToHexString();
                await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct);
                for (var i = 0; i < 3; i++)
                {
                    await worker.EchoAsync("call " + i);
                }
            }

            tracer!.ForceFlush();
            var calls = callerSpans.Where(s => s.DisplayName == typeof(ITestWorker).FullName + "/Echo").Select(s => s.SpanId.ToHexString()).ToList();
            var summon = callerSpans.Single(s => s.DisplayName == "summon " + typeof(ITestWorker).FullName).SpanId.ToHexString();
            List<ExportedSpan> trace = [];
            List<ExportedSpan> everything = [];
            Assert.True(await Poll.UntilAsync(() =>
            {
                trace = [.. receiver.Spans().Where(s => s.TraceId == traceId)];
                everything = [.. trace, .. callerSpans.Select(s => new ExportedSpan(s.Source.Name, traceId, s.SpanId.ToHexString(), s.ParentSpanId.ToHexString(), s.DisplayName))];

                // Each process exports in batches of its own: wait for every span asserted below, the gateway's included,
                // and for the spans between them (a request's HTTP span ends after the work under it, so it may come in
                // a later batch than that work's).
                return Task.FromResult(trace.Count(s => s.Scope == "MeshRpc.Worker") == 3
                    && trace.FirstOrDefault(s => s.Scope == "MeshRpc.NodeAgent" && s.Name == "forge") is { } forged
                    && trace.FirstOrDefault(s => s.Scope == "MeshRpc.Gateway" && s.Name.StartsWith("summon ", StringComparison.Ordinal)) is { } summoned
                    && trace.FirstOrDefault(s => s.Scope == "MeshRpc.Gateway" && s.Name == "forge") is { } placed
                    && Ancestors(summoned, everything).Contains(summon) && Ancestors(forged, everything).Contains(placed.SpanId));
            }, TimeSpan.FromSeconds(30)), $"The processes' spans of trace {traceId} did not all arrive: {string.Join(", ", receiver.Spans().Select(s => s.Scope + "/" + s.Name))}\n{mesh.Logs}");

            // Each span's parent: the worker's call spans under the caller's call spans; the gateway's summon under the
            // caller's summon and the agent's forge under the gateway's forge, through the HTTP spans between them.
            Assert.Equal(calls.Order(), trace.Where(s => s.Scope == "MeshRpc.Worker").Select(s => s.ParentSpanId).Order());
            var gatewaySummon = Assert.Single(trace, s => s.Scope == "MeshRpc.Gateway" && s.Name.StartsWith("summon ", StringComparison.Ordinal));
            var gatewayForge = Assert.Single(trace, s => s.Scope == "MeshRpc.Gateway" && s.Name == "forge");
            var agentForge = Assert.Single(trace, s => s.Scope == "MeshRpc.NodeAgent" && s.Name == "forge");
            Assert.Equal(gatewaySummon.SpanId, gatewayForge.ParentSpanId);
            Assert.Contains(summon, Ancestors(gatewaySummon, everything));
            Assert.Contains(gatewayForge.SpanId, Ancestors(agentForge, everything));
        }
    }

    // The span ids above a span, as far as the spans known go.
    private static List<string> Ancestors(ExportedSpan span, List<ExportedSpan> trace)
    {
        var ancestors = new List<string>();
        for (var parent = span.ParentSpanId; parent.Length > 0 && !ancestors.Contains(parent); parent = trace.FirstOrDefault(s => s.SpanId == parent)?.ParentSpanId ?? string.Empty)
        {
            ancestors.Add(parent);
        }

        return ancestors;
    }

    [Fact]
    public async Task SpanRecordsAWorkerForges_AreNamedByItsNode_BoundInTime_AndKeptOutOfItsOutput()
    {
        var ct = TestContext.Current.CancellationToken;
        var spans = new List<Activity>();
        await using var mesh = await EmbeddedMesh.StartAsync(ct);
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.PackProbe(), ct);
        var forgedTrace = ActivityTraceId.CreateRandom();
        using (var tracer = Sdk.CreateTracerProviderBuilder().AddMeshRpcInstrumentation().AddInMemoryExporter(spans).Build())
        {
            await using var probe = await client.SummonAsync<ISandboxProbe>(SummonRequest.FromGem(TestGem.ProbePointer), ct);
            var workerId = ((IGhostProxy)probe).Connection.Ticket.WorkerId;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
            var parent = $"00-{forgedTrace}-{ActivitySpanId.CreateRandom()}-01";

            // Hostile code prints what the host would: a record in the worker's name, one from two days ago, and garbage.
            await probe.FloodOutputAsync(0, WorkerSpanRecord.Marker + $$"""{"parent":"{{parent}}","method":"Forged","startUnixMicroseconds":{{now}},"durationMicroseconds":1000}""");
            await probe.FloodOutputAsync(0, WorkerSpanRecord.Marker + $$"""{"parent":"{{parent}}","method":"Stale","startUnixMicroseconds":{{now - 172_800_000_000L}},"durationMicroseconds":1000}""");
            await probe.FloodOutputAsync(0, WorkerSpanRecord.Marker + "{ not json");
            await probe.FloodOutputAsync(0, "after the records");

            // The output is read as it comes: once the last line is in the spool, the records before it were handled.
            Assert.True(await Poll.UntilAsync(async () => (await client.Gateway.GetLogsAsync(workerId, ct)).Count(l => l.Text == "after the records") == 2));
            var stderr = (await client.Gateway.GetLogsAsync(workerId, ct)).Where(l => l.Stream == "stderr").ToList();
            Assert.DoesNotContain(stderr, l => l.Text.Contains(WorkerSpanRecord.Marker.Trim(), StringComparison.Ordinal));
            tracer!.ForceFlush();

            var forged = Assert.Single(spans, s => s.TraceId == forgedTrace);
            Assert.Equal(typeof(ISandboxProbe).FullName + "/Forged", forged.DisplayName);
            Assert.Equal(workerId, forged.GetTagItem("meshrpc.worker.id"));
            Assert.Equal(typeof(ISandboxProbe).FullName, forged.GetTagItem("rpc.service"));
        }
    }

    [Fact]
    public async Task ACallersTraceContext_ReachesTheWorker_AsTheParentOfItsSpan()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mesh = await EmbeddedMesh.StartAsync(ct);
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(Caller.Name).AddMeshRpcInstrumentation().Build();
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.PackShapes(), ct);
        await using var worker = await client.SummonAsync<IShapesWorker>(SummonRequest.FromGem(TestGem.ShapesPointer), ct);

        string? seen;
        string traceId;
        using (var work = Caller.StartActivity("caller's work"))
        {
            traceId = work!.TraceId.ToHexString();
            seen = await worker.TraceParentAsync();
        }

        // The worker host's span is the child of the caller's call span: same trace, sampled.
        Assert.True(ActivityContext.TryParse(seen, null, out var parent), $"'{seen}' is not W3C trace context.");
        Assert.Equal(traceId, parent.TraceId.ToHexString());
        Assert.True(parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded), seen);

        // Outside the caller's work, the call's client span starts a trace of its own.
        Assert.True(ActivityContext.TryParse(await worker.TraceParentAsync(), null, out var alone));
        Assert.NotEqual(traceId, alone.TraceId.ToHexString());
    }

    [Fact]
    public async Task ARefusedHandshake_IsCountedByItsReason()
    {
        var ct = TestContext.Current.CancellationToken;
        var metrics = new List<Metric>();
        await using var mesh = await EmbeddedMesh.StartAsync(ct);
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeshRpcInstrumentation().AddInMemoryExporter(metrics).Build();
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.Pack(), ct);
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct);
        var ticket = ((IGhostProxy)worker).Connection.Ticket;

        // The right ticket with another secret: the worker refuses the proof.
        var forged = ticket with { Auth = ticket.Auth with { Secret = Convert.ToBase64String(new byte[32]) } };
        await Assert.ThrowsAsync<CallRefusedException>(() => WorkerConnection.ConnectAsync(forged, MeshContracts.Get<ITestWorker>(), ct));

        Assert.True(await CountedAsync(meters!, metrics, "meshrpc.handshake.refusals", 1, "meshrpc.refusal.reason", "proof"), "The refused proof was not counted.");
        Assert.Equal("served", await worker.EchoAsync("served"));
    }

    [Fact]
    public async Task AWorkerWhoseCallerNeverBeats_IsCountedAsAHeartbeatLoss()
    {
        var ct = TestContext.Current.CancellationToken;
        var metrics = new List<Metric>();
        await using var mesh = await EmbeddedMesh.StartAsync(ct);
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeshRpcInstrumentation().AddInMemoryExporter(metrics).Build();
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.Pack(), ct);

        // Forged and never connected: no heartbeat ever comes, and the worker ends once its grace and timeout pass.
        await client.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(TestGem.Pointer) with { HeartbeatTimeout = TimeSpan.FromSeconds(1) }, ct);

        Assert.True(await CountedAsync(meters!, metrics, "meshrpc.workers.heartbeat_losses", 1, timeout: TimeSpan.FromSeconds(60)),
            "No heartbeat loss was counted for the worker nobody connected to.");
    }

    [Fact]
    public async Task TheGatewayAndAgentProcesses_LogASummon_WithTheCallersTraceId()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mesh = new ProcessMesh();
        await mesh.InitializeAsync();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(Caller.Name).AddMeshRpcInstrumentation().Build();
        using var client = mesh.CreateClient();

        string traceId;
        string workerId;
        using (var work = Caller.StartActivity("caller's work"))
        {
            traceId = work!.TraceId.ToHexString();
            await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), ct);
            workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
        }

        Assert.True(await Poll.UntilAsync(() => Task.FromResult(mesh.Logs.Contains($"Worker {workerId} on node", StringComparison.Ordinal))), mesh.Logs);
        var summoned = Assert.Single(mesh.Logs.Split('\n'), line => line.Contains($"Summoned worker {workerId}", StringComparison.Ordinal));
        Assert.Contains(traceId, summoned, StringComparison.Ordinal);
        var tornDown = Assert.Single(mesh.Logs.Split('\n'), line => line.Contains($"Worker {workerId} on node", StringComparison.Ordinal));
        Assert.Contains(traceId, tornDown, StringComparison.Ordinal);

        // The agent's line of the same summon (the forge) carries it too.
        var forged = Assert.Single(mesh.AgentLogs.Split('\n'), line => line.Contains($"Forged worker {workerId}", StringComparison.Ordinal));
        Assert.Contains(traceId, forged, StringComparison.Ordinal);
    }

    private static bool IsDescendant(Activity span, Activity ancestor, List<Activity> trace)
    {
        for (var current = span; current is not null; current = trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    // Polls until the latest export of counter 'name' sums to 'expected' (over the points carrying tag=value, if given).
    private static Task<bool> CountedAsync(MeterProvider meters, List<Metric> metrics, string name, long expected, string? tag = null, string? value = null, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() =>
        {
            meters.ForceFlush();
            return Task.FromResult(metrics.LastOrDefault(m => m.Name == name) is { } metric && SumOf(metric, tag, value) == expected);
        }, timeout);

    private static long SumOf(Metric metric, string? tag = null, string? value = null)
    {
        long sum = 0;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var matches = tag is null;
            foreach (var pair in point.Tags)
            {
                matches |= pair.Key == tag && Equals(pair.Value, value);
            }

            sum += matches ? point.GetSumLong() : 0;
        }

        return sum;
    }

    private static long CountOf(Metric metric)
    {
        long count = 0;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            count += point.GetHistogramCount();
        }

        return count;
    }
}

/// <summary>Tests that listen to MeshRpc's process-wide sources and meters run alone, so no other test's spans mix in.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryListeners
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Telemetry";
}
