using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace MeshRpc.WorkerHost;

/// <summary>Loads a gem and creates its worker object. Loading plug-in code is the one place the host uses reflection.</summary>
internal static class WorkerLoader
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The worker host is never trimmed: it loads arbitrary gem code by design.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "The worker host is never trimmed: it loads arbitrary gem code by design.")]
    public static (MeshContract Contract, object Worker) Load(WorkerHostConfig config)
    {
        var context = new GemLoadContext(config.GemDirectory);
        Assembly? entry = null;
        foreach (var path in Directory.EnumerateFiles(config.GemDirectory, "*.dll").Order(StringComparer.Ordinal))
        {
            if (GemLoadContext.HostAssemblies.Contains(Path.GetFileNameWithoutExtension(path)))
            {
                continue;
            }

            var assembly = context.LoadFromAssemblyPath(path);
            MeshContracts.RegisterFrom(assembly);
            if (string.Equals(Path.GetFileName(path), config.EntryAssembly, StringComparison.Ordinal))
            {
                entry = assembly;
            }
        }

        if (entry is null)
        {
            throw new WorkerLoadException($"The gem has no entry assembly '{config.EntryAssembly}'.");
        }

        var contract = MeshContracts.Find(config.Contract) ?? throw new WorkerLoadException(
            $"The gem defines no MeshRpc contract '{config.Contract}'. The contract interface must carry [MeshWorker] and be compiled with the MeshRpc generator.");

        var type = entry.GetType(config.WorkerType, throwOnError: false) ?? throw new WorkerLoadException(
            $"The gem's entry assembly '{config.EntryAssembly}' has no type '{config.WorkerType}'. Check the manifest's workerType.");

        if (!contract.ContractType.IsAssignableFrom(type))
        {
            throw new WorkerLoadException($"The worker type '{config.WorkerType}' does not implement the contract '{config.Contract}'.");
        }

        try
        {
            return (contract, Activator.CreateInstance(type)!);
        }
        catch (Exception ex) when (ex is MissingMethodException or TargetInvocationException or MemberAccessException)
        {
            throw new WorkerLoadException(
                $"Could not create the worker '{config.WorkerType}': {ex.InnerException?.Message ?? ex.Message}. A worker needs a public parameterless constructor that does not throw.", ex);
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
