using MeshRpc.Logging;
using MeshRpc.Telemetry;
using Microsoft.Extensions.Options;

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

        builder.Logging.AddTraceIdConsole();
        builder.AddOtlpExportWhenConfigured("uah-core");
        builder.Services.AddUahCore(builder.Configuration);
        var app = builder.Build();
        app.MapUahCore();
        return app;
    }

    /// <summary>
    /// Runs the gateway until the process is told to stop (Ctrl+C, SIGTERM), as its own program or a tool's verb
    /// (<c>x-hauki-core gateway</c>); returns the exit code: 2 for a setting the operator got wrong, said in one line.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
            await app.StartAsync();
        }
        catch (OptionsValidationException ex)
        {
            // A setting the operator got wrong: say which and how to fix it, without a stack trace.
            await Console.Error.WriteLineAsync("UAH CORE cannot start: " + string.Join(" ", ex.Failures));
            return 2;
        }
        catch (Registry.Redis.RedisStateException ex)
        {
            // The shared state's Redis does not answer: without it this gateway holds nothing another one could trust.
            await Console.Error.WriteLineAsync("UAH CORE cannot start: " + ex.Message);
            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Source == "Microsoft.Extensions.Configuration.Binder")
        {
            // A value of the wrong type ('--summon-rate fast'): the binder's message names the key and the type it takes.
            await Console.Error.WriteLineAsync("UAH CORE cannot start: " + ex.Message);
            return 2;
        }

        await using (app)
        {
            // Test harnesses and the quick start read this line to find the gateway's ephemeral port.
            Console.WriteLine("MESHRPC-LISTENING " + string.Join(' ', app.Urls));
            await app.WaitForShutdownAsync();
        }

        return 0;
    }
}
