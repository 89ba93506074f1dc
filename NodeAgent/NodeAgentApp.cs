using MeshRpc.NodeAgent.Api;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.Logging;
using MeshRpc.Telemetry;
using Microsoft.Extensions.Options;

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
        builder.Logging.AddTraceIdConsole();
        builder.AddOtlpExportWhenConfigured("meshrpc-node-agent");
        builder.Services.AddNodeAgent(builder.Configuration);

        // Every endpoint serves the gateway alone.
        builder.AddGatewayCertificateAuthentication();

        var app = builder.Build();
        app.MapNodeAgent();
        return app;
    }

    /// <summary>
    /// Runs the agent until the process is told to stop (Ctrl+C, SIGTERM), as its own program or a tool's verb
    /// (<c>x-hauki-core agent</c>); returns the exit code: 2 for a setting the operator got wrong or a sandbox this
    /// machine lacks, said in one line.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
            await app.StartAsync();
        }
        catch (Exception ex) when (ex is AgentStartupException or OptionsValidationException
                                   || (ex is InvalidOperationException && ex.Source == "Microsoft.Extensions.Configuration.Binder"))
        {
            // A setting the operator got wrong, or a sandbox this machine lacks: say which and how to fix it, without a stack trace.
            await Console.Error.WriteLineAsync("The node agent cannot start: " + (ex is OptionsValidationException invalid ? string.Join(" ", invalid.Failures) : ex.Message));
            return 2;
        }

        await using (app)
        {
            // Test harnesses and the quick start read these lines to find the agent's ephemeral port and its sandbox.
            Console.WriteLine("MESHRPC-SANDBOX " + app.Services.GetRequiredService<ISandboxProvider>().Name);
            Console.WriteLine("MESHRPC-LISTENING " + string.Join(' ', app.Urls));
            await app.WaitForShutdownAsync();
        }

        return 0;
    }
}
