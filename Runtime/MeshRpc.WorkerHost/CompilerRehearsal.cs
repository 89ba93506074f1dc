namespace MeshRpc.WorkerHost;

/// <summary>
/// One compilation of a small worker, made by a pooled compiler while it waits: it reads the references, loads the
/// generators and compiles Roslyn's hot paths, which a summon's first compilation would otherwise pay for.
/// </summary>
internal static class CompilerRehearsal
{
    // Shaped like a summoned worker: a contract with a record and a stream, and its implementation, so both generators
    // (MeshRpc's and System.Text.Json's) run every part they run for real source.
    private const string Source = """
        namespace MeshRpc.Rehearsal;

        [MeshRpc.MeshWorker]
        public interface IRehearsal : IAsyncDisposable
        {
            Task<int> AddAsync(int a, int b);
            Task<Reading> ReadAsync(string name, CancellationToken cancellationToken = default);
            IAsyncEnumerable<int> CountAsync(int to);
        }

        public sealed record Reading(string Name, double Value, IReadOnlyList<string> Tags);

        public sealed class Rehearsal : IRehearsal
        {
            public Task<int> AddAsync(int a, int b) => Task.FromResult(a + b);
            public Task<Reading> ReadAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(new Reading(name, name.Length * 1.5, [name]));
            public async IAsyncEnumerable<int> CountAsync(int to)
            {
                for (var i = 0; i < to; i++)
                {
                    await Task.Yield();
                    yield return i;
                }
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
        """;

    public static void Run() => SourceCompiler.Compile(Source, TimeSpan.FromMinutes(1), int.MaxValue);
}
