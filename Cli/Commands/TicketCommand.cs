using System.CommandLine;
using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.Tickets;
using Spectre.Console;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core ticket inspect FILE</c>: reads a Capability Ticket (a file, or <c>-</c> for standard input), shows what
/// it grants, and checks its signature and expiry against the gateway's ticket key. Never prints the ticket's secret.
/// Exit codes: 0 the ticket holds, 1 it does not (forged, altered, expired, or another gateway's), 2 unreadable.
/// </summary>
internal static class TicketCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The ticket's JSON, in a file, or - for standard input." };
        var inspect = new Command("inspect", "Shows what a Capability Ticket grants and checks its signature and expiry against the gateway's key; never prints its secret.") { file, GatewayAccess.GatewayOption };
        inspect.Examples("x-hauki-core ticket inspect ticket.json", "cat ticket.json | x-hauki-core ticket inspect -");
        inspect.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            var path = parsed.GetValue(file)!;
            if (path != "-" && !File.Exists(path))
            {
                return GatewayAccess.Fail(ExitCodes.BadArgument, $"No ticket file at {path}.");
            }

            CapabilityTicket? ticket;
            try
            {
                var json = path == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(path, cancellationToken);
                ticket = JsonSerializer.Deserialize(json, ControlPlaneJsonContext.Default.CapabilityTicket);
            }
            catch (JsonException ex)
            {
                return GatewayAccess.Fail(ExitCodes.BadArgument, $"{path} is not a Capability Ticket: {ex.Message}");
            }

            if (ticket is null)
            {
                return GatewayAccess.Fail(ExitCodes.BadArgument, $"{path} is not a Capability Ticket: it is empty.");
            }

            // The key the ticket names, if it is still in the ring (a ticket from before the last rotation names the previous one).
            var keys = await client.Gateway.GetTicketKeysAsync(cancellationToken);
            var key = keys.FirstOrDefault(k => k.KeyId == ticket.Auth.KeyId) ?? keys[0];
            using var verifier = new TicketVerifier(key.KeyId, key.PublicKey);
            var (_, refusal) = verifier.Verify(ticket.Auth.KeyId, ticket.Auth.Claims, ticket.Auth.Signature, ticket.WorkerId);

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("worker", Output.Cell(ticket.WorkerId));
            grid.AddRow("contract", Output.Cell($"{ticket.Contract.Name} ({ticket.Contract.Hash})"));
            grid.AddRow("node", Output.Cell(ticket.NodeId));
            grid.AddRow("direct", Output.Cell(ticket.Endpoints.Direct));
            grid.AddRow("relay", Output.Cell(ticket.Endpoints.Relay ?? "none"));
            grid.AddRow("tls pin", Output.Cell(ticket.Tls is { } tls ? $"{tls.Algorithm} {tls.Fingerprint}" : "none (plain TCP)"));
            grid.AddRow("heartbeat", $"every {ticket.Heartbeat.IntervalMs} ms, dies after {ticket.Heartbeat.TimeoutMs} ms without");
            grid.AddRow("issued", ticket.IssuedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            grid.AddRow("expires", ticket.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            grid.AddRow("signed by", Output.Cell($"key {ticket.Auth.KeyId} ({ticket.Auth.Algorithm})"));
            grid.AddRow("secret", "present, not shown");
            grid.AddRow("verdict", Output.Cell(refusal is null ? "valid: signed by this gateway's key, not expired" : "NOT VALID: " + refusal));
            Output.Write(grid);
            return refusal is null ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return new Command("ticket", "Capability Tickets.") { inspect };
    }
}
