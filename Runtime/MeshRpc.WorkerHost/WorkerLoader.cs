using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;

namespace MeshRpc.WorkerHost;

/// <summary>
/// Loads a gem (or takes the one a pooled host was primed with) or compiles source, and creates its worker object.
/// Loading plug-in code is the one place the host uses reflection.
/// </summary>
internal static class WorkerLoader
{
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "The worker host is never trimmed: it loads arbitrary gem code by design.")]
    public static (MeshContract Contract, object Worker) Load(WorkerHostConfig config, PrimedGem? primed)
    {
        var prepared = primed?.Take(config.Gem);
        if (config.SourceCode is { } source)
        {
            var compiled = SourceCompiler.Compile(source, TimeSpan.FromMilliseconds(config.CompileTimeoutMs));
            MeshContracts.RegisterFrom(compiled);
            var sourceContract = FindContract(config.Contract, "the summoned source");
            var implementations = compiled.GetTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && sourceContract.ContractType.IsAssignableFrom(t) && !typeof(GhostProxy).IsAssignableFrom(t))
                .ToList();
            if (implementations.Count != 1)
            {
                throw new WorkerLoadException(
                    $"The summoned source must declare exactly one class implementing {config.Contract}; it declares {implementations.Count}.");
            }

            return (sourceContract, Create(implementations[0], config.Contract));
        }

        if (config.Gem is not { } gem)
        {
            throw new WorkerLoadException("The start-up configuration names neither source code nor a gem.");
        }

        prepared ??= PreparedGem.Load(gem);
        var contract = FindContract(config.Contract, "the gem");
        if (!contract.ContractType.IsAssignableFrom(prepared.WorkerType))
        {
            throw new WorkerLoadException($"The worker type '{gem.WorkerType}' does not implement the contract '{config.Contract}'.");
        }

        return (contract, Create(prepared.WorkerType, gem.WorkerType));
    }

    /// <summary>Whether <paramref name="exception"/> means the worker's code cannot be loaded, as opposed to a bug in the host.</summary>
    public static bool IsLoadFailure(Exception exception) =>
        exception is WorkerLoadException or IOException or BadImageFormatException or UnauthorizedAccessException;

    private static MeshContract FindContract(string name, string where) =>
        MeshContracts.Find(name) ?? throw new WorkerLoadException(
            $"{where} defines no MeshRpc contract '{name}'. The contract interface must carry [MeshWorker] and be compiled with the MeshRpc generator.");

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "The worker host is never trimmed: it loads arbitrary gem code by design.")]
    private static object Create(Type type, string name)
    {
        try
        {
            return Activator.CreateInstance(type)!;
        }
        catch (Exception ex) when (ex is MissingMethodException or TargetInvocationException or MemberAccessException)
        {
            throw new WorkerLoadException(
                $"Could not create the worker '{name}': {ex.InnerException?.Message ?? ex.Message}. A worker needs a public parameterless constructor that does not throw.", ex);
        }
    }
}

/// <summary>The gem cannot be turned into a running worker.</summary>
internal sealed class WorkerLoadException : Exception
{
    public WorkerLoadException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
