using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Api;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Gems;
using MeshRpc.Gateway.Placement;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Relay;
using MeshRpc.Gateway.Security;
using MeshRpc.Gateway.Spawn;
using Microsoft.AspNetCore.DataProtection;

namespace MeshRpc.Gateway;

/// <summary>Builds UAH CORE, as its own process or embedded in another (the quick start's mesh).</summary>
public static class GatewayApp
{
    /// <summary>The largest request body, except gem uploads: a summon of the largest source allowed fits.</summary>
    public const long RequestBodyLimit = 16L << 20;

    /// <summary>Builds the gateway from command-line style arguments (<c>--urls</c>, <c>--gem-store</c>, ...).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:0");
        // Summon bodies (source included) fit well inside this; gem uploads raise it for themselves to the gem store's limit.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBodyLimit);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlPlaneJsonContext.Default));

        var options = GatewayOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddMeshSecurity(options);
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton<CallerQuota>();
        builder.Services.AddRateLimiter(limiter => SummonLimits.Configure(limiter, options));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeRegistry>();
        builder.Services.AddSingleton<IPlacementPolicy, MostFreeCapacityPlacement>();
        builder.Services.AddSingleton<GemStore>();
        builder.Services.AddSingleton<NodeAgentClients>();
        builder.Services.AddSingleton<TicketIssuer>();
        builder.Services.AddSingleton<SpawnService>();
        builder.Services.AddSingleton<GatewayCertificate>();
        builder.Services.AddReverseProxy().LoadFromMemory([], []);
        builder.Services.AddSingleton<Yarp.ReverseProxy.Forwarder.IForwarderHttpClientFactory, AgentHttpClientFactory>();

        // YARP brings data protection (for session affinity, which no route uses); keys that live as long as the process suffice.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddSingleton<NodeRoutes>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<NodeRoutes>());
        builder.Services.AddOpenApi("uah-core", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new() { Title = "UAH CORE", Version = "v2", Description = "MeshRpc control plane: service registry, summons, tickets, gems." };

            // The listening address is per deployment; the checked-in copy must not carry one.
            document.Servers?.Clear();
            return Task.CompletedTask;
        }));

        var app = builder.Build();

        // Rate limits partition by caller, so they come after authentication; refused requests spend no token.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi().AllowAnonymous();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapGatewayApi();
        app.MapReverseProxy();
        return app;
    }
}
