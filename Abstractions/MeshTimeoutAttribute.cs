namespace MeshRpc;

/// <summary>
/// How long a call may take before its caller stops waiting (a <see cref="CallTimeoutException"/>) and the worker's
/// cancellation token fires: on a contract interface, for each of its methods; on a method, for that one. A caller's
/// <c>MeshCall.Timeout(...)</c> scope overrides both; <c>WorkerConnectOptions.CallTimeout</c> applies where neither says.
/// </summary>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class MeshTimeoutAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public MeshTimeoutAttribute(int milliseconds) => Milliseconds = milliseconds;

    /// <summary>The timeout, in milliseconds; positive.</summary>
    public int Milliseconds { get; }
}
