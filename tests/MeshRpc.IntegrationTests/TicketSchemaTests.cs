using System.Text.Json;
using Json.Schema;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>Every ticket the gateway issues matches the published strict schema.</summary>
public sealed class TicketSchemaTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(RepoPaths.Root, "docs", "schemas", "capability-ticket.schema.json"));

    [Fact]
    public async Task IssuedTickets_ValidateAgainstTheSchema()
    {
        using var client = mesh.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var spawned = await client.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
            try
            {
                using var json = JsonDocument.Parse(JsonSerializer.Serialize(spawned.Ticket, ControlPlaneJsonContext.Default.CapabilityTicket));

                var result = Schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

                var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}");
                Assert.True(result.IsValid, $"The ticket does not match the schema: {string.Join(" | ", errors)}\n{json.RootElement}");
            }
            finally
            {
                await client.TeardownAsync(spawned.Ticket.WorkerId, TestContext.Current.CancellationToken);
            }
        }
    }

    [Fact]
    public void Schema_RejectsExtraPropertiesAndMissingAuth()
    {
        using var extra = JsonDocument.Parse("""{"schemaVersion":1,"surprise":true}""");

        var result = Schema.Evaluate(extra.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.False(result.IsValid);
    }
}
