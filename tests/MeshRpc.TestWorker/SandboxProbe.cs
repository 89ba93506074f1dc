using System.Diagnostics;

namespace MeshRpc.TestWorker;

/// <summary>Implements <see cref="ISandboxProbe"/>.</summary>
public sealed class SandboxProbe : ISandboxProbe
{
    private readonly List<byte[]> _hog = [];

    /// <inheritdoc />
    public Task<string> PidNamespaceAsync() => Task.FromResult(new FileInfo("/proc/self/ns/pid").LinkTarget ?? "unknown");

    /// <inheritdoc />
    public Task<string> TryWriteAsync(string path)
    {
        try
        {
            File.WriteAllText(path, "probe");
            File.Delete(path);
            return Task.FromResult("ok");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <inheritdoc />
    public Task<int[]> VisibleProcessIdsAsync() => Task.FromResult(
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : 0).Where(pid => pid > 0).ToArray());

    /// <inheritdoc />
    public async Task<int> ForkBombAsync(int waitMs)
    {
        using (Process.Start("/bin/sh", ["-c", "bomb() { bomb | bomb & }; bomb"]))
        {
        }

        await Task.Delay(waitMs);
        return (await VisibleProcessIdsAsync()).Length;
    }

    /// <inheritdoc />
    public Task<string[]> TrustedRootsAsync() => Task.FromResult(TrustedRoots.Thumbprints());

    /// <inheritdoc />
    public Task<string?> EnvironmentVariableAsync(string name) => Task.FromResult(Environment.GetEnvironmentVariable(name));

    /// <inheritdoc />
    public Task<long> HogMemoryAsync(int megabytes)
    {
        for (var i = 0; i < megabytes; i++)
        {
            var block = new byte[1 << 20];
            Array.Fill(block, (byte)1);
            _hog.Add(block);
        }

        return Task.FromResult((long)_hog.Count << 20);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async Task<long> FloodOutputAsync(int kilobytes, string last)
    {
        var line = new string('x', 1023);
        for (var i = 0; i < kilobytes; i++)
        {
            await Console.Out.WriteLineAsync(line);
            await Console.Error.WriteLineAsync(line);
        }

        await Console.Out.WriteLineAsync(last);
        await Console.Error.WriteLineAsync(last);
        await Console.Out.FlushAsync();
        return 2L * kilobytes * 1024;
    }
}
