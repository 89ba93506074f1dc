using System.Net.Http.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Telemetry;

/// <summary>
/// A gateway process told the standard way (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) exports its spans over OTLP/HTTP to a
/// receiver this test runs; one told nothing exports nothing.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task AGateway_WithAnOtlpEndpoint_ExportsItsSummonSpans_AsUahCore()
    {
        var ct = TestContext.Current.CancellationToken;
        using var receiver = new OtlpReceiver();
        var work = Directory.CreateTempSubdirectory("meshrpc-otlp-").FullName;
        await using (var gateway = ChildProcess.Start("MeshRpc.Gateway.dll", new Dictionary<string, string?>
                     {
                         ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address,
                         ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                         ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                     },
                     "--gem-store", Path.Combine(work, "gems"), "--api-keys", TestCredentials.StorePath, "--urls", "http://127.0.0.1:0"))
        {
            using var http = TestCredentials.Http(new Uri(await gateway.WaitForLineAsync("MESHRPC-LISTENING", TimeSpan.FromSeconds(60))), TestCredentials.Caller);

            // No node is live: the summon fails, and its span (with the placement that failed) is still exported.
            using var summon = await http.PostAsJsonAsync("/api/v2/swarm_spawn_ephemeral",
                new SpawnEphemeralRequest { Contract = "Otlp.IProbe", ContractHash = "0", Gem = "gem://none@1.0.0" }, ControlPlaneJsonContext.Default.SpawnEphemeralRequest, ct);

            Assert.True(await Poll.UntilAsync(() => Task.FromResult(receiver.Received("/v1/traces", "MeshRpc.Gateway") && receiver.Received("/v1/traces", "uah-core"))),
                $"No OTLP trace export carried the gateway's spans.\n{gateway.Output}");
        }

        Directory.Delete(work, recursive: true);
    }
}
