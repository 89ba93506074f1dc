namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>Raw C# source serving ITestWorker: its contract file (embedded) and a class implementing it, as a caller sends it.</summary>
internal static class TestWorkerSource
{
    /// <summary>The source; its worker echoes with <paramref name="echoPrefix"/>, and <paramref name="note"/> ends it as a comment, to tell sources apart.</summary>
    public static string Of(string echoPrefix, string note = "") => Contract + $$"""

        public sealed class SourceWorker : ITestWorker
        {
            private int _count;
            public Task<int> GetProcessIdAsync() => Task.FromResult(Environment.ProcessId);
            public Task<int> IncrementAsync() => Task.FromResult(Interlocked.Increment(ref _count));
            public Task<int> GetCountAsync() => Task.FromResult(_count);
            public Task<string> EchoAsync(string text) => Task.FromResult("{{echoPrefix}}" + text);
            public Task FailAsync(string message) => throw new InvalidOperationException(message);
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
        // {{note}}

        """;

    /// <summary>The contract file, ITestWorker.cs.</summary>
    public static string Contract { get; } = Read("ITestWorker.cs");

    private static string Read(string name)
    {
        using var stream = typeof(TestWorkerSource).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The test assembly embeds no resource {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
