using MeshRpc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers MeshRpc with a service collection.</summary>
public static class MeshRpcServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="MeshClient"/> for the gateway at <paramref name="gateway"/>, proving itself with
    /// <paramref name="credential"/>; <paramref name="connect"/> says how its proxies reach workers (by default:
    /// directly, falling back to the gateway's relay).
    /// </summary>
    public static IMeshRpcBuilder AddMeshRpc(this IServiceCollection services, Uri gateway, MeshCredential? credential, WorkerConnectOptions? connect = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(gateway);
        services.TryAddSingleton(_ => new MeshClient(gateway, credential) { ConnectOptions = connect ?? WorkerConnectOptions.Default });
        return new MeshRpcBuilder(services);
    }

    /// <summary>
    /// Registers <typeparamref name="T"/> as a summoned worker: each resolution in a new scope (by default) summons one,
    /// and disposing the scope tears it down. Resolving <typeparamref name="T"/> blocks while the worker is summoned;
    /// async code takes <see cref="MeshWorker{T}"/> instead, registered with the same lifetime, and awaits its
    /// <see cref="MeshWorker{T}.GetAsync"/>.
    /// </summary>
    public static IMeshRpcBuilder AddMeshWorker<T>(this IServiceCollection services, SummonRequest summon, ServiceLifetime lifetime = ServiceLifetime.Scoped)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(summon);
        if (lifetime == ServiceLifetime.Transient)
        {
            throw new ArgumentException("A worker is a remote process: register it Scoped or Singleton so its teardown has an owner.", nameof(lifetime));
        }

        // Fail at registration, not at first use, when T is not a generated contract with a ghost proxy.
        GhostProxies.Factory<T>();
        services.TryAdd(new ServiceDescriptor(typeof(MeshWorker<T>), provider => new MeshWorker<T>(provider.GetRequiredService<MeshClient>(), summon), lifetime));

        // Synchronous resolution has no other way to wait; MeshWorker<T>.GetAsync does not block.
        services.TryAdd(new ServiceDescriptor(typeof(T), provider =>
            provider.GetRequiredService<MeshWorker<T>>().GetAsync().AsTask().GetAwaiter().GetResult(), lifetime));
        return new MeshRpcBuilder(services);
    }

    /// <summary>Registers <typeparamref name="T"/> as a summoned worker on the builder's services.</summary>
    public static IMeshRpcBuilder AddMeshWorker<T>(this IMeshRpcBuilder builder, SummonRequest summon, ServiceLifetime lifetime = ServiceLifetime.Scoped)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Services.AddMeshWorker<T>(summon, lifetime);
    }

    private sealed record MeshRpcBuilder(IServiceCollection Services) : IMeshRpcBuilder;
}

/// <summary>Returned by <c>AddMeshRpc</c> to chain worker registrations.</summary>
public interface IMeshRpcBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
