using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Api;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Egress;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.NodeAgent.Registration;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.NodeAgent.Workers;

namespace MeshRpc.NodeAgent;

/// <summary>Builds the node agent, as its own process or embedded in another (the quick start's mesh).</summary>
public static class NodeAgentApp
{
    /// <summary>Builds the agent from command-line style arguments (<c>--gateway</c>, <c>--node-id</c>, <c>--urls</c>, ...).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // HTTPS only: the gateway and the agent authenticate each other over mutual TLS.
        var urls = builder.Configuration["urls"] ?? "https://127.0.0.1:0";
        if (urls.Split(';').Any(url => !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"The node agent serves HTTPS only (the gateway authenticates it over mutual TLS); --urls {urls} names another scheme. Use https://host:port.");
        }

        builder.WebHost.UseUrls(urls);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlPlaneJsonContext.Default));

        var options = NodeAgentOptions.From(builder.Configuration);

        // Sandboxes bind-mount the gem cache and the trust bundle, so both must exist before the first one (or the warm pool) starts.
        Directory.CreateDirectory(options.GemCacheDirectory);
        IReadOnlyList<string> opened = [.. Traversal.Grant(options.WorkDirectory), .. Traversal.Grant(WorkerHostCommand.HostDirectory)];
        var roots = WorkerTrust.Export(options.TrustDirectory);
        var identity = new NodeIdentity(options.JoinToken);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(IGatewayApi.Create(new HttpClient(new NodeCredentialHandler(identity)) { BaseAddress = options.Gateway, Timeout = TimeSpan.FromSeconds(30) }));

        // Every endpoint serves the gateway alone.
        builder.AddGatewayCertificateAuthentication(identity);
        var sandboxProvider = SandboxSelection.Create(options);
        if (options.EgressSubnet is not null && (!sandboxProvider.ContainsWorkers || Environment.UserName != "root"))
        {
            throw new InvalidOperationException(
                $"--egress-subnet needs a sandbox that contains workers and an agent run as root (it routes and filters their traffic); this agent runs '{sandboxProvider.Name}' sandboxes as {Environment.UserName}. Use --sandbox lxc or bwrap as root, or leave egress off.");
        }

        builder.Services.AddSingleton(sandboxProvider);
        builder.Services.AddSingleton<EgressNetwork>();
        builder.Services.AddSingleton<GemCache>();
        builder.Services.AddSingleton<GatewayTrust>();
        builder.Services.AddSingleton<WorkerTable>();
        builder.Services.AddSingleton<WorkerForge>();
        builder.Services.AddSingleton<WarmPool>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<WarmPool>());
        builder.Services.AddHostedService<GatewayRegistration>();

        var app = builder.Build();
        app.UseWebSockets();
        app.MapAgentApi();
        app.MapRelay();

        // Sandboxes a killed predecessor left behind go before this agent takes any work.
        var sandboxes = app.Services.GetRequiredService<ISandboxProvider>();
        var reaped = sandboxes.ReapOrphansAsync().GetAwaiter().GetResult();
        app.Services.GetRequiredService<EgressNetwork>().StartAsync().GetAwaiter().GetResult();
        var sandboxLog = app.Services.GetRequiredService<ILogger<ISandboxProvider>>();
        foreach (var folder in opened)
        {
            Log.TraversalGranted(sandboxLog, folder);
        }

        Log.SandboxReady(sandboxLog, sandboxes.Name, reaped, roots);

        // No sandbox outlives its agent: stopping the agent tears every worker down.
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            app.Services.GetRequiredService<WorkerTable>().DestroyAllAsync().GetAwaiter().GetResult();
            app.Services.GetRequiredService<EgressNetwork>().StopAsync().GetAwaiter().GetResult();
        });
        return app;
    }
}
