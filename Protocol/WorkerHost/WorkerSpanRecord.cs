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

/// <summary>
/// A connection the worker host refused, reported on its standard error as a span is (one line: <see cref="Marker"/>, then
/// this record as JSON), for its node to count by reason.
/// </summary>
/// <param name="Reason">Why, as the worker host names it (<c>proof</c>, <c>ticket</c>, <c>contract</c>, ...).</param>
public sealed record WorkerRefusalRecord(string Reason)
{
    /// <summary>What starts a refusal record on the worker host's standard error.</summary>
    public const string Marker = "\u001emeshrpc-refusal ";
}
