namespace MeshRpc.HostProtocol;

/// <summary>
/// A call a worker host served inside a sampled trace, as it reports it on its standard error: the sandbox has no
/// network to export spans through, so its node agent reads them there (one line: <see cref="Marker"/>, then this record
/// as JSON) and makes the span, under the worker id and contract it knows itself. What a record claims is the worker's
/// word: the agent bounds it (size, rate, times) and names the worker on the span.
/// </summary>
/// <param name="Parent">The caller's span, as the request's W3C <c>traceparent</c> named it.</param>
/// <param name="Method">The method's wire name.</param>
/// <param name="StartUnixMicroseconds">When the call arrived, in microseconds since the Unix epoch.</param>
/// <param name="DurationMicroseconds">How long serving it took.</param>
public sealed record WorkerSpanRecord(string Parent, string Method, long StartUnixMicroseconds, long DurationMicroseconds)
{
    /// <summary>What starts a span record on the worker host's standard error (ASCII record separator, then a name).</summary>
    public const string Marker = "\u001emeshrpc-span ";
}
