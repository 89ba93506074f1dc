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

        builder.Services.AddUahCore(builder.Configuration);
        var app = builder.Build();
        app.MapUahCore();
        return app;
    }
}
