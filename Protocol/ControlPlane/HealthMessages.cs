namespace MeshRpc.ControlPlane;

/// <summary>
/// What <c>/readyz</c> of UAH CORE or a node agent answers (503 unless every check is healthy): each readiness check,
/// and for one that fails, what is wrong and how to fix it. Anyone may ask, so no answer names a path or a secret.
/// </summary>
public sealed record HealthAnswer(string Status, IReadOnlyList<HealthCheckAnswer> Checks);

/// <summary>One readiness check's verdict.</summary>
public sealed record HealthCheckAnswer(string Name, string Status, string? Description);
