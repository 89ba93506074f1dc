using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent;
using MeshRpc.NodeAgent.Api;
using MeshRpc.NodeAgent.Compile;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Egress;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.Health;
using MeshRpc.NodeAgent.Health;
using MeshRpc.NodeAgent.Registration;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.NodeAgent.Telemetry;
using MeshRpc.NodeAgent.Workers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a MeshRpc node agent to an ASP.NET Core application.</summary>
public static class NodeAgentServiceCollectionExtensions
{
    /// <summary>
    /// Registers the agent's services, its options bound from <paramref name="configuration"/> (<c>--gateway</c>,
    /// <c>--sandbox</c>, ...) and validated when the host starts, and its start-up work as hosted services, in order:
    /// the node's own set-up, the warm pool, then the registration with the gateway.
    /// </summary>
    public static IServiceCollection AddNodeAgent(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<NodeAgentOptions>().Bind(configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeAgentOptions>, NodeAgentOptionsValidator>());

        // The agent's parts take the options as one immutable record rather than IOptions<T>.
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<NodeAgentOptions>>().Value);

        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlPlaneJsonContext.Default));
        services.TryAddSingleton(provider => new NodeIdentity(provider.GetRequiredService<NodeAgentOptions>().JoinToken));
        services.TryAddSingleton<GatewayHome>();
        services.TryAddSingleton(provider => IGatewayApi.Create(new HttpClient(
            new GatewayHomeHandler(provider.GetRequiredService<GatewayHome>(), new NodeCredentialHandler(provider.GetRequiredService<NodeIdentity>())))
        {
            BaseAddress = provider.GetRequiredService<NodeAgentOptions>().Gateway,
            Timeout = TimeSpan.FromSeconds(30),
        }));
        services.TryAddSingleton(provider => SandboxSelection.Create(provider.GetRequiredService<NodeAgentOptions>()));
        services.TryAddSingleton<EgressNetwork>();
        services.TryAddSingleton<GemCache>();
        services.TryAddSingleton<GatewayTrust>();
        services.TryAddSingleton<WorkerTable>();
        services.TryAddSingleton<WorkerForge>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WarmPool>();
        services.TryAddSingleton<CompilerPool>();
        services.TryAddSingleton<SourceCompilation>();
        services.TryAddSingleton<GatewayContact>();
        services.AddMetrics();
        services.TryAddSingleton<AgentTelemetry>();
        services.TryAddSingleton<WorkerTelemetryReports>();
        services.AddAgentHealth();
        services.AddExceptionHandler<AgentFaultHandler>();
        services.AddProblemDetails();
        services.AddHostedService<NodeStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<WarmPool>());
        services.AddHostedService(provider => provider.GetRequiredService<CompilerPool>());
        services.AddHostedService<GatewayRegistration>();
        services.AddHostedService<LifetimeEnforcer>();
        return services;
    }

    /// <summary>Maps the agent's endpoints, which the gateway calls: forge, teardown, the worker list and the data-plane relay.</summary>
    public static WebApplication MapNodeAgent(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseWebSockets();
        app.MapAgentApi();
        app.MapRelay();
        app.MapHealthProbes();
        return app;
    }
}
