using MeshRpc;

namespace MeshRpc.TestWorker;

/// <summary>
/// Hostile worker code: each method attempts one escape from its sandbox and reports what happened, so that tests
/// can assert the sandbox refused it. Summoned as raw source (this file and <c>ContainmentProbe.cs</c>).
/// </summary>
[MeshWorker]
public interface IContainmentProbe : IAsyncDisposable
{
    /// <summary>Opens a TCP connection; returns "connected" or the socket error.</summary>
    Task<string> ConnectAsync(string host, int port);

    /// <summary>Connects to a Unix domain socket by path; returns "connected" or the socket error.</summary>
    Task<string> ConnectUnixAsync(string path);

    /// <summary>Reads a file; returns "read" and its length, or the error.</summary>
    Task<string> ReadFileAsync(string path);

    /// <summary>Writes <paramref name="text"/> to a file (removing it again if it created it); returns "written" or the error.</summary>
    Task<string> WriteFileAsync(string path, string text);

    /// <summary>The entries of a folder, or the error as the only entry.</summary>
    Task<string[]> ListAsync(string path);

    /// <summary>Runs a program; returns its exit code and the first line of its error output.</summary>
    Task<string> RunAsync(string program, string[] arguments);

    /// <summary>Makes one raw system call by name (x86-64); returns "ok" or "errno N".</summary>
    Task<string> SyscallAsync(string name);

    /// <summary>A field of <c>/proc/self/status</c> (e.g. <c>CapEff</c>, <c>NoNewPrivs</c>, <c>Seccomp</c>).</summary>
    Task<string> StatusAsync(string field);

    /// <summary>Returns at once, and starts a shell fork bomb half a second later.</summary>
    Task<string> ForkBombAsync();

    /// <summary>Allocates and touches memory until it has <paramref name="megabytes"/> (or is killed trying).</summary>
    Task<long> HogMemoryAsync(int megabytes);
}
