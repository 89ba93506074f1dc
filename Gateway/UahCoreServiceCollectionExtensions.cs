using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Api;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Dashboard;
using MeshRpc.Gateway.Gems;
using MeshRpc.Gateway.Health;
using MeshRpc.Health;
using MeshRpc.Gateway.Placement;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Registry.Redis;
using MeshRpc.Gateway.Relay;
using MeshRpc.Gateway.Security;
using MeshRpc.Gateway.Spawn;
using MeshRpc.Gateway.Telemetry;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds UAH CORE, the MeshRpc control plane, to an ASP.NET Core application.</summary>
public static class UahCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers UAH CORE's services, its options bound from <paramref name="configuration"/> (<c>--gem-store</c>,
    /// <c>--summon-rate</c>, ...) and validated when the host starts: a bad setting stops the start with a message naming it.
    /// </summary>
    public static IServiceCollection AddUahCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GatewayOptions>().Bind(configuration).ValidateOnStart();
        services.AddOptions<JwtIssuerOptions>().Bind(configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtIssuerOptions>, JwtIssuerOptionsValidator>());

        // The gateway's parts take the options as one immutable record rather than IOptions<T>.
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<GatewayOptions>>().Value);

        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlPlaneJsonContext.Default));
        services.AddMeshSecurity();
        services.AddGatewayHealth();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<GatewayOptions>(SummonLimits.Configure);
        services.TryAddSingleton<CallerQuota>();
        services.TryAddSingleton(TimeProvider.System);
        AddState(services);
        services.TryAddSingleton<IPlacementPolicy, MostFreeCapacityPlacement>();
        services.TryAddSingleton<PlacementService>();
        services.TryAddSingleton<GemStore>();
        services.TryAddSingleton<CompiledSources>();
        services.TryAddSingleton<NodeAgentClients>();
        services.TryAddSingleton<TicketIssuer>();
        services.AddMetrics();
        services.TryAddSingleton<GatewayTelemetry>();
        services.TryAddSingleton<SpawnService>();
        services.TryAddSingleton<RecentSummons>();
        services.TryAddSingleton<GatewayCertificate>();
        services.AddReverseProxy().LoadFromMemory([], []);
        services.AddSingleton<Yarp.ReverseProxy.Forwarder.IForwarderHttpClientFactory, AgentHttpClientFactory>();

        // YARP brings data protection (for session affinity, which no route uses); keys that live as long as the process suffice.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.TryAddSingleton<NodeRoutes>();
        services.AddHostedService(provider => provider.GetRequiredService<NodeRoutes>());
        services.AddOpenApi("uah-core", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new() { Title = "UAH CORE", Version = "v2", Description = "MeshRpc control plane: service registry, summons, tickets, gems." };

            // The listening address is per deployment; the checked-in copy must not carry one.
            document.Servers?.Clear();
            return Task.CompletedTask;
        }));
        return services;
    }

    // The control plane's state and secrets: in this process for one gateway, in Redis (--redis) for several.
    private static void AddState(IServiceCollection services)
    {
        services.TryAddSingleton(provider => new RedisKeys(provider.GetRequiredService<GatewayOptions>().RedisPrefix));
        services.TryAddSingleton(provider => MeshRedis.Connect(provider.GetRequiredService<GatewayOptions>()));
        services.TryAddSingleton<IRegistryStore>(provider =>
        {
            var options = provider.GetRequiredService<GatewayOptions>();
            var time = provider.GetRequiredService<TimeProvider>();
            return options.Redis is null
                ? new InMemoryRegistryStore(time)
                : new RedisRegistryStore(provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<RedisKeys>(), options.NodeLease, time);
        });
        services.TryAddSingleton<IGatewaySecrets>(provider => provider.GetRequiredService<GatewayOptions>().Redis is null
            ? new LocalGatewaySecrets()
            : new RedisGatewaySecrets(provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<RedisKeys>()));
        services.TryAddSingleton<ITicketKeyRing>(provider => provider.GetRequiredService<GatewayOptions>().Redis is null
            ? new LocalTicketKeyRing(provider.GetRequiredService<GatewayOptions>())
            : new RedisTicketKeyRing(provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<RedisKeys>()));
        services.TryAddSingleton<ISummonLedger>(provider => provider.GetRequiredService<GatewayOptions>().Redis is null
            ? new InMemorySummonLedger(provider.GetRequiredService<TimeProvider>())
            : new RedisSummonLedger(provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<RedisKeys>()));
        services.AddExceptionHandler<StateUnavailableHandler>();
        services.AddProblemDetails();
        services.TryAddSingleton(provider => new NodeRegistry(
            provider.GetRequiredService<GatewayOptions>(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<IRegistryStore>()));
    }

    /// <summary>Adds UAH CORE's middleware (authentication, authorization, rate limits) and maps its endpoints, health check, OpenAPI document and relay.</summary>
    public static WebApplication MapUahCore(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.UseExceptionHandler();

        // Rate limits partition by caller, so they come after authentication; refused requests spend no token.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi().AllowAnonymous();
        app.MapHealthProbes();
        app.MapGatewayApi();
        app.MapKeyApi();
        app.MapTicketKey();
        app.MapLogApi();
        app.MapDashboard();
        app.MapReverseProxy();
        return app;
    }
}
