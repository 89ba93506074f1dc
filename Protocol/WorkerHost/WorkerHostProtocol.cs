using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshRpc.HostProtocol;

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

    /// <summary>How long the worker may go without a call before it exits; never when null.</summary>
    public int? IdleTimeoutMs { get; init; }

    /// <summary>How long the worker lives without a heartbeat.</summary>
    public required int HeartbeatTimeoutMs { get; init; }

    /// <summary>The gem to run (summoned source runs as the gem its compilation made).</summary>
    public required GemLocation Gem { get; init; }

    /// <summary>The contract's wire name.</summary>
    public required string Contract { get; init; }

    /// <summary>Whether error replies include remote stack traces.</summary>
    public bool IncludeErrorDiagnostics { get; init; }
}

/// <summary>Where a gem is inside the sandbox, and what to run from it.</summary>
/// <param name="Directory">Folder holding the unpacked gem.</param>
/// <param name="EntryAssembly">The gem's entry assembly file name.</param>
/// <param name="WorkerType">Full name of the class implementing the contract.</param>
public sealed record GemLocation(string Directory, string EntryAssembly, string WorkerType);

/// <summary>
/// One line on a worker host's standard input. A pooled host may first be told which gem to load while it waits
/// (<see cref="Prime"/>), so a summon of that gem skips the load; the start-up configuration is always the last line.
/// </summary>
public sealed record WorkerHostInstruction
{
    /// <summary>A gem to load now, ahead of a summon likely to run it. A primed host serves that gem or nothing.</summary>
    public GemLocation? Prime { get; init; }

    /// <summary>The start-up configuration: the worker's identity, keys and code.</summary>
    public WorkerHostConfig? Start { get; init; }
}

/// <summary>The first line a worker host prints: where it listens, or why it could not start.</summary>
public sealed record WorkerHostStatus(int? Port, int ProcessId, string? Error)
{
    /// <summary>The SHA-256 fingerprint of the worker's TLS certificate, for the gateway to pin in tickets; null without TLS.</summary>
    public string? CertificateSha256 { get; init; }
}

/// <summary>
/// The one line a compiler host (<c>MeshRpc.WorkerHost --compiler</c>, in a sandbox of its own) reads: summoned source
/// to compile into an assembly, within the node's limits. It compiles one source and exits.
/// </summary>
public sealed record CompileInstruction
{
    /// <summary>The C# source, compiled with <see cref="ControlPlane.SummonRules.SourceImplicitUsings"/>.</summary>
    public required string SourceCode { get; init; }

    /// <summary>How long compiling may take before the compiler stops and reports the limit.</summary>
    public required int TimeoutMs { get; init; }

    /// <summary>The largest assembly the compiler may return.</summary>
    public required int MaxOutputBytes { get; init; }
}

/// <summary>The one line a compiler host prints: the assembly, or the compiler's errors.</summary>
public sealed record CompileResult
{
    /// <summary>The compiled assembly, base64, when the source compiled.</summary>
    public string? Assembly { get; init; }

    /// <summary>The compiler's errors (each with its position in the source), when it did not.</summary>
    public IReadOnlyList<SourceDiagnostic>? Diagnostics { get; init; }

    /// <summary>Why the compiler could not run at all (a malformed instruction).</summary>
    public string? Error { get; init; }
}

/// <summary>Source-generated JSON for the host's start-up protocol.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WorkerHostInstruction))]
[JsonSerializable(typeof(WorkerHostStatus))]
[JsonSerializable(typeof(CompileInstruction))]
[JsonSerializable(typeof(CompileResult))]
[JsonSerializable(typeof(WorkerSpanRecord))]
[JsonSerializable(typeof(WorkerRefusalRecord))]
public sealed partial class WorkerHostJsonContext : JsonSerializerContext
{
}
