using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;

namespace MeshRpc.WorkerHost;

/// <summary>
/// Loads a gem (or takes the one a pooled host was primed with), and creates its worker object. Summoned source comes
/// here as the gem its compilation (in a compile sandbox of its own) made.
/// Loading plug-in code is the one place the host uses reflection.
/// </summary>
internal static class WorkerLoader
{
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "The worker host is never trimmed: it loads arbitrary gem code by design.")]
    public static (MeshContract Contract, object Worker) Load(WorkerHostConfig config, PrimedGem? primed)
    {
        var gem = config.Gem;
        var prepared = primed?.Take(gem) ?? PreparedGem.Load(gem);
        var contract = MeshContracts.Find(config.Contract) ?? throw new WorkerLoadException(
            $"The gem defines no MeshRpc contract '{config.Contract}'. The contract interface must carry [MeshWorker] and be compiled with the MeshRpc generator.");
        if (!contract.ContractType.IsAssignableFrom(prepared.WorkerType))
        {
            throw new WorkerLoadException($"The worker type '{gem.WorkerType}' does not implement the contract '{config.Contract}'.");
        }

        return (contract, Create(prepared.WorkerType, gem.WorkerType));
    }

    /// <summary>Whether <paramref name="exception"/> means the worker's code cannot be loaded, as opposed to a bug in the host.</summary>
    public static bool IsLoadFailure(Exception exception) =>
        exception is WorkerLoadException or IOException or BadImageFormatException or UnauthorizedAccessException;

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
