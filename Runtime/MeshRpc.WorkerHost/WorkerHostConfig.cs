using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshRpc.WorkerHost;

/// <summary>What the node agent tells a worker host on its standard input: never on the command line, where secrets are visible.</summary>
public sealed record WorkerHostConfig
{
    /// <summary>The worker's id.</summary>
    public required string WorkerId { get; init; }

    /// <summary>The worker's key, base64: each ticket's secret derives from it.</summary>
    public required string WorkerKey { get; init; }

    /// <summary>The id of the gateway key that signs this worker's tickets.</summary>
    public required string TicketKeyId { get; init; }

    /// <summary>That key's public half, base64 SubjectPublicKeyInfo.</summary>
    public required string TicketPublicKey { get; init; }

    /// <summary>The data-plane address to listen on.</summary>
    public required string BindAddress { get; init; }

    /// <summary>How long the worker lives without a heartbeat.</summary>
    public required int HeartbeatTimeoutMs { get; init; }

    /// <summary>Folder holding the unpacked gem, when running a gem.</summary>
    public string? GemDirectory { get; init; }

    /// <summary>The gem's entry assembly file name, when running a gem.</summary>
    public string? EntryAssembly { get; init; }

    /// <summary>Full name of the class implementing the contract, when running a gem.</summary>
    public string? WorkerType { get; init; }

    /// <summary>C# source to compile here, in the sandbox, when summoned from source.</summary>
    public string? SourceCode { get; init; }

    /// <summary>The contract's wire name.</summary>
    public required string Contract { get; init; }

    /// <summary>Whether error replies include remote stack traces.</summary>
    public bool IncludeErrorDiagnostics { get; init; }
}

/// <summary>The first line a worker host prints: where it listens, or why it could not start.</summary>
public sealed record WorkerHostStatus(int? Port, int ProcessId, string? Error)
{
    /// <summary>The SHA-256 fingerprint of the worker's TLS certificate, for the gateway to pin in tickets; null without TLS.</summary>
    public string? CertificateSha256 { get; init; }

    /// <summary>Compiler errors, when summoned source did not compile.</summary>
    public IReadOnlyList<SourceDiagnostic>? Diagnostics { get; init; }
}

/// <summary>Source-generated JSON for the host's start-up protocol.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WorkerHostConfig))]
[JsonSerializable(typeof(WorkerHostStatus))]
public sealed partial class WorkerHostJsonContext : JsonSerializerContext
{
}
