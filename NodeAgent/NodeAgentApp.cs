using MeshRpc.NodeAgent.Api;
using MeshRpc.NodeAgent.Configuration;

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
            throw new AgentStartupException($"The node agent serves HTTPS only (the gateway authenticates it over mutual TLS); --urls {urls} names another scheme. Use https://host:port.");
        }

        builder.WebHost.UseUrls(urls);
        builder.Services.AddNodeAgent(builder.Configuration);

        // Every endpoint serves the gateway alone.
        builder.AddGatewayCertificateAuthentication();

        var app = builder.Build();
        app.MapNodeAgent();
        return app;
    }
}
