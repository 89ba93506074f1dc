namespace MeshRpc;

/// <summary>Settings for the calls a caller makes in a scope, across ghost proxies: <c>using (MeshCall.Timeout(...)) { ... }</c>.</summary>
public static class MeshCall
{
    private static readonly AsyncLocal<TimeSpan?> CurrentTimeout = new();

    /// <summary>The timeout of calls made here, when a <see cref="Timeout"/> scope set one.</summary>
    public static TimeSpan? ScopedTimeout => CurrentTimeout.Value;

    /// <summary>
    /// Gives every call made in this scope (this async flow, until disposed) <paramref name="timeout"/>, whatever the
    /// contract's <c>[MeshTimeout]</c> or the connection's default says.
    /// </summary>
    public static IDisposable Timeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var outer = CurrentTimeout.Value;
        CurrentTimeout.Value = timeout;
        return new Scope(outer);
    }

    private sealed class Scope(TimeSpan? outer) : IDisposable
    {
        public void Dispose() => CurrentTimeout.Value = outer;
    }
}
