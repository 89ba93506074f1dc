using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.HostProtocol;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.NodeAgent.Telemetry;

namespace MeshRpc.NodeAgent.Compile;

/// <summary>
/// Turns summoned source into a gem on this node: compiled in a compile sandbox (a warm one when the pool has one),
/// the result checked (<see cref="CompiledWorker"/>) and put in the gem cache, whence the worker runs like any gem.
/// The agent never compiles anything itself. One source compiles once at a time here, however many summon it at once.
/// </summary>
public sealed class SourceCompilation
{
    /// <summary>The diagnostic id of a compiler that stopped before it answered (its sandbox's memory or process limit).</summary>
    public const string CompilerStoppedDiagnosticId = "MESHC003";

    // Room in the compiler's answer beyond the assembly's base64: its diagnostics (at most a hundred).
    private const int DiagnosticsRoom = 1 << 20;

    private readonly NodeAgentOptions _options;
    private readonly CompilerPool _compilers;
    private readonly GemCache _gems;
    private readonly AgentTelemetry _telemetry;
    private readonly ILogger<SourceCompilation> _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<CompiledSource>>> _running = new(StringComparer.Ordinal);

    /// <summary>Creates the compilation service.</summary>
    public SourceCompilation(NodeAgentOptions options, CompilerPool compilers, GemCache gems, AgentTelemetry telemetry, ILogger<SourceCompilation> logger)
    {
        _options = options;
        _compilers = compilers;
        _gems = gems;
        _telemetry = telemetry;
        _logger = logger;
    }

    private int MaxOutputBytes => _options.MaxCompiledKilobytes << 10;

    /// <summary>Compiles the forge request's source into a cached gem; throws <see cref="ForgeException"/> with the compiler's diagnostics when it does not compile.</summary>
    public async Task<CompiledSource> CompileAsync(ForgeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.SourceCode is not { } source || request.ContractHash is not { Length: > 0 } contractHash)
        {
            throw new ForgeException(MeshErrorCodes.InvalidRequest, "A forge of summoned source names the source and the caller's contract hash ('contractHash').");
        }

        var key = SourceKey.Of(request.Contract, contractHash, source, CompileToolchain.Id);
        var run = _running.GetOrAdd(key, k => new Lazy<Task<CompiledSource>>(() => RunAsync(k, request.Contract, contractHash, source)));
        try
        {
            // Shared by every summon of this source now: one caller giving up does not stop the others' compilation.
            return await run.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (run.Value.IsCompleted)
            {
                _running.TryRemove(new KeyValuePair<string, Lazy<Task<CompiledSource>>>(key, run));
            }
        }
    }

    private async Task<CompiledSource> RunAsync(string key, string contract, string contractHash, string source)
    {
        var started = Stopwatch.GetTimestamp();
        var (compiler, warm) = await _compilers.TakeAsync(CancellationToken.None);
        CompileResult result;
        await using (compiler)
        {
            result = await AskAsync(compiler, warm, source);
        }

        if (result.Diagnostics is { Count: > 0 } diagnostics)
        {
            _telemetry.Compiled(warm, succeeded: false);
            throw DoesNotCompile(diagnostics);
        }

        byte[] image;
        try
        {
            image = Convert.FromBase64String(result.Assembly ?? throw new FormatException(result.Error ?? "no assembly"));
        }
        catch (FormatException ex)
        {
            throw new ForgeException(MeshErrorCodes.ForgeFailed, $"The compile sandbox gave no readable assembly ({result.Error ?? "malformed base64"}); the node refuses its answer.", ex);
        }

        if (image.Length > MaxOutputBytes)
        {
            throw DoesNotCompile([Limit("MESHC002", $"The summoned source compiles to {image.Length} bytes; this node accepts at most {MaxOutputBytes}.")]);
        }

        var (archive, _) = CompiledWorker.Pack(image, contract, contractHash, key);
        var (digest, gem) = await _gems.AddAsync(archive, CancellationToken.None);
        _gems.EvictCompiled((long)_options.CompiledCacheMegabytes << 20);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        _telemetry.Compiled(warm, succeeded: true);
        Log.SourceCompiled(_logger, key, contract, digest, elapsed, warm ? "warm" : "cold");
        return new CompiledSource(digest, gem, archive);
    }

    /// <summary>Gives the compiler its instruction and reads its one-line answer, within the node's limits.</summary>
    private async Task<CompileResult> AskAsync(ISandbox compiler, bool warm, string source)
    {
        var instruction = new CompileInstruction { SourceCode = source, TimeoutMs = _options.CompileTimeoutMs, MaxOutputBytes = MaxOutputBytes };

        // A cold compiler starts .NET and Roslyn first: it gets the worker start's allowance on top of the compilation's.
        using var deadline = new CancellationTokenSource(_options.CompileTimeout + (warm ? TimeSpan.FromSeconds(5) : _options.WorkerStartTimeout));
        string? answer;
        try
        {
            await compiler.Input.WriteLineAsync(JsonSerializer.Serialize(instruction, WorkerHostJsonContext.Default.CompileInstruction).AsMemory(), deadline.Token);
            await compiler.Input.FlushAsync(deadline.Token);
            compiler.Input.Close();
            answer = await BoundedLine.ReadAsync(compiler.Output, (MaxOutputBytes / 3 * 4) + 4 + DiagnosticsRoom, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw DoesNotCompile([Limit(CompilerStoppedDiagnosticId,
                $"The compiler did not answer within {(_options.CompileTimeout.TotalSeconds):0.#} s, this node's limit; it was stopped. Simplify the source, or publish the worker as a gem.")]);
        }
        catch (IOException)
        {
            // The compiler died before it read the source; its exit code below says why.
            answer = null;
        }
        catch (InvalidDataException)
        {
            throw new ForgeException(MeshErrorCodes.ForgeFailed, "The compile sandbox answered with more than the node accepts; the node refuses it.");
        }

        if (answer is null)
        {
            await ((Task)compiler.Exited).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw DoesNotCompile([Limit(CompilerStoppedDiagnosticId,
                $"The compiler stopped before it answered{(compiler.Exited.IsCompletedSuccessfully ? $" (exit code {compiler.Exited.Result})" : string.Empty)}: compiling this source needs more than the sandbox's {_options.MemoryMb} MiB or {_options.MaxProcesses} processes. Simplify the source, or publish the worker as a gem.")]);
        }

        try
        {
            return JsonSerializer.Deserialize(answer, WorkerHostJsonContext.Default.CompileResult) ?? throw new JsonException("empty answer");
        }
        catch (JsonException ex)
        {
            throw new ForgeException(MeshErrorCodes.ForgeFailed, "The compile sandbox's answer is not the compiler's JSON; the node refuses it.", ex);
        }
    }

    private static SourceDiagnostic Limit(string id, string message) => new(id, "error", message, 1, 1);

    private static ForgeException DoesNotCompile(IReadOnlyList<SourceDiagnostic> diagnostics) => new(
        MeshErrorCodes.CompileFailed,
        $"The summoned source does not compile: {diagnostics.Count} error(s). " + string.Join(" ", diagnostics.Take(5).Select(d => $"{d.File}({d.Line},{d.Column}) {d.Id}: {d.Message}")),
        diagnostics: diagnostics);
}

/// <summary>Summoned source compiled on this node: its gem's digest, the gem unpacked in the cache, and the archive for the gateway to keep.</summary>
/// <param name="Digest">The gem's digest.</param>
/// <param name="Gem">The gem, unpacked and verified.</param>
/// <param name="Archive">The gem's archive.</param>
public sealed record CompiledSource(string Digest, CachedGem Gem, byte[] Archive);
