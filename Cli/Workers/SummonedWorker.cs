namespace MeshRpc.Cli.Workers;

/// <summary>What <c>summon --json</c> prints once its worker is up: where the ticket is (never the ticket), and what the summon cost.</summary>
internal sealed record SummonedWorker(string WorkerId, string Contract, string NodeId, string TicketFile, double PlacementMs, double ForgeMs);
