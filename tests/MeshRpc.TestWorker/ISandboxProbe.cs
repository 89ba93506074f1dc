using MeshRpc;

namespace MeshRpc.TestWorker;

/// <summary>Asks a worker what its sandbox lets it see and do.</summary>
[MeshWorker]
public interface ISandboxProbe : IAsyncDisposable
{
    /// <summary>The worker's PID namespace, as <c>/proc/self/ns/pid</c> names it.</summary>
    Task<string> PidNamespaceAsync();

    /// <summary>Tries to create a file; returns "ok" or the error.</summary>
    Task<string> TryWriteAsync(string path);

    /// <summary>The process ids the worker can see in /proc.</summary>
    Task<int[]> VisibleProcessIdsAsync();

    /// <summary>Starts a shell fork bomb, waits, and returns how many processes the sandbox then holds.</summary>
    Task<int> ForkBombAsync(int waitMs);

    /// <summary>The SHA-256 thumbprints of the root certificates the worker trusts, sorted.</summary>
    Task<string[]> TrustedRootsAsync();

    /// <summary>The value of an environment variable in the worker, or null.</summary>
    Task<string?> EnvironmentVariableAsync(string name);

    /// <summary>Allocates and touches memory until it has <paramref name="megabytes"/> (or is killed trying).</summary>
    Task<long> HogMemoryAsync(int megabytes);

    /// <summary>Writes <paramref name="kilobytes"/> KB to standard output and as much to standard error, in lines; then <paramref name="last"/> to each.</summary>
    Task<long> FloodOutputAsync(int kilobytes, string last);
}
