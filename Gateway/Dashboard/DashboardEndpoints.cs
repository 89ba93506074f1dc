using System.Reflection;
using System.Runtime.CompilerServices;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Api;
using MeshRpc.Gateway.Registry;

namespace MeshRpc.Gateway.Dashboard;

/// <summary>
/// The operator's dashboard: a static page (plain HTML, CSS and JavaScript, no build step) at <c>/dashboard</c>, which
/// holds no data itself, and the snapshots it draws, one server-sent event a second from
/// <c>GET /api/v2/dashboard/events</c>, for administrators only. The page takes the operator's key from its address's
/// fragment (<c>#key=...</c>, never sent to the server) or a form, and keeps it in the tab's session storage.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/dashboard", "dashboard.html", "text/html; charset=utf-8"),
        ("/dashboard/dashboard.css", "dashboard.css", "text/css; charset=utf-8"),
        ("/dashboard/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"),
    ];

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Read(resource);
            app.MapGet(path, (HttpContext http) =>
            {
                // Its own files only: no inline script, no other origin, no framing.
                http.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                http.Response.Headers["Referrer-Policy"] = "no-referrer";
                return Results.Text(content, contentType);
            })
                .AllowAnonymous()
                .ExcludeFromDescription();
        }

        app.MapGet("/api/v2/dashboard/events", (NodeRegistry registry, RecentSummons summons, CancellationToken cancellationToken) =>
                TypedResults.ServerSentEvents(SnapshotsAsync(registry, summons, cancellationToken), eventType: "snapshot"))
            .RequireAuthorization(MeshPermissions.Admin)
            .Produces<DashboardSnapshot>(contentType: "text/event-stream")
            .WithSummary("The dashboard's data: every second, the registry's nodes (workers, warm hosts) and the latest summons with their phase timings, as server-sent events. Administrators only.");
    }

    private static async IAsyncEnumerable<DashboardSnapshot> SnapshotsAsync(NodeRegistry registry, RecentSummons summons, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            yield return new DashboardSnapshot(GatewayEndpoints.Registry(registry).Nodes, summons.List());
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private static string Read(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MeshRpc.Gateway.Dashboard." + resource)
            ?? throw new InvalidOperationException($"The gateway's build lacks its dashboard file {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
