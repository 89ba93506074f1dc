using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MeshRpc.Client.Calls;

/// <summary>A request sent and not yet answered; the read loop completes it from the reply's bytes.</summary>
internal interface IPendingCall
{
    /// <summary>The request's id on its connection.</summary>
    long Id { get; }

    /// <summary>The connection the call was made on.</summary>
    CallChannel Channel { get; }

    /// <summary>Completes the call with the result the reader stands on.</summary>
    void Succeed(ref Utf8JsonReader result);

    /// <summary>Fails the call.</summary>
    void Fail(Exception failure);

    /// <summary>Ends the call as cancelled by its caller.</summary>
    void Cancel(CancellationToken token);
}

/// <summary>
/// A call whose result is read as <typeparamref name="T"/>; null type info: the result is not read (a method without
/// one). It is its own completion source: one object per call.
/// </summary>
internal sealed class PendingCall<T>(CallChannel channel, long id, JsonTypeInfo<T>? resultType)
    // Continuations run on the thread pool, never on the connection's read loop, which must go on reading other replies.
    : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IPendingCall
{
    public long Id { get; } = id;

    public CallChannel Channel { get; } = channel;

    public void Succeed(ref Utf8JsonReader result)
    {
        if (resultType is null)
        {
            TrySetResult(default!);
            return;
        }

        T value;
        try
        {
            value = JsonSerializer.Deserialize(ref result, resultType)!;
        }
        catch (JsonException ex)
        {
            // A result of another shape fails this call only; the connection and its other calls go on.
            TrySetException(ex);
            return;
        }

        TrySetResult(value);
    }

    public void Fail(Exception failure) => TrySetException(failure);

    public void Cancel(CancellationToken token) => TrySetCanceled(token);
}
