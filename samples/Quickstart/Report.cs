using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Quickstart;

/// <summary>One lifecycle phase and how long it took.</summary>
internal sealed record Phase(string Name, double Ms);

/// <summary>What the calls to one worker returned.</summary>
internal sealed record CallResults(int Add, int Divide, int WorkerProcessIdInSandbox, string RemoteErrorType, string RemoteErrorMessage);

/// <summary>One summon, from request to teardown.</summary>
internal sealed record SummonReport(
    string Kind,
    string TraceId,
    JsonNode Ticket,
    string WorkerId,
    string NodeId,
    int WorkerHostProcessId,
    IReadOnlyList<Phase> Phases,
    CallResults Results,
    bool WorkerProcessGone);

/// <summary>The quick start's <c>--json</c> output.</summary>
internal sealed record QuickstartReport(string Sandbox, IReadOnlyList<Phase> Phases, string GemDigest, IReadOnlyList<SummonReport> Summons);

/// <summary>Times phases and prints them as they finish, unless the output is JSON.</summary>
internal sealed class PhaseClock(bool quiet)
{
    private readonly List<Phase> _phases = [];

    public IReadOnlyList<Phase> Phases => _phases;

    public async Task<T> TimeAsync<T>(string name, string description, Func<Task<T>> work)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await work();
        Record(name, description, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    public void Record(string name, string description, double ms)
    {
        _phases.Add(new Phase(name, Math.Round(ms, 2)));
        if (!quiet)
        {
            Console.WriteLine($"  {name,-10} {ms,9:0.0} ms  {description}");
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(QuickstartReport))]
internal sealed partial class QuickstartJsonContext : JsonSerializerContext
{
}
