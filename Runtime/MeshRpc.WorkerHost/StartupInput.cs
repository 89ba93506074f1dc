using System.Text.Json;

namespace MeshRpc.WorkerHost;

/// <summary>
/// Reads the host's standard input up to the start-up configuration, loading a gem on the way if the agent primes
/// this (pooled) host with one.
/// </summary>
internal static class StartupInput
{
    public static async Task<(WorkerHostConfig? Config, PrimedGem? Primed, string? Error)> ReadAsync(TextReader input)
    {
        PrimedGem? primed = null;
        while (await input.ReadLineAsync() is { } line)
        {
            WorkerHostInstruction? instruction;
            try
            {
                instruction = JsonSerializer.Deserialize(line, WorkerHostJsonContext.Default.WorkerHostInstruction);
            }
            catch (JsonException ex)
            {
                return (null, primed, $"A line of the start-up input on standard input is not valid JSON: {ex.Message}");
            }

            if (instruction?.Start is { } config)
            {
                return (config, primed, null);
            }

            if (instruction?.Prime is not { } gem || primed is not null)
            {
                return (null, primed, "The start-up input may prime one gem, then must give the configuration ('start'); this line is neither.");
            }

            primed = PrimedGem.Load(gem);
        }

        return (null, primed, "No start-up configuration arrived on standard input; the node agent writes it there as one JSON line.");
    }
}
