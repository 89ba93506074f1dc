using System.Net;
using MeshRpc.Gateway.Registry;
using StackExchange.Redis;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace MeshRpc.Gateway.Relay;

/// <summary>
/// Keeps YARP's routes in step with the live registry: <c>/nodes/{nodeId}/relay/{workerId}</c> goes to that node's
/// agent while the node is live, and stops routing once it is dead or gone. Only the relay is routed: the agent's own
/// API (forge, teardown, listing) answers the gateway alone, never a caller through it. Liveness is a matter of time passing, not only of events,
/// so the routes are recomputed every half second and handed to YARP only when they change.
/// </summary>
public sealed class NodeRoutes : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    private readonly NodeRegistry _registry;
    private readonly InMemoryConfigProvider _proxy;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeRoutes> _logger;
    private readonly Lock _gate = new();
    private string _current = string.Empty;

    /// <summary>Creates the route keeper.</summary>
    public NodeRoutes(NodeRegistry registry, InMemoryConfigProvider proxy, TimeProvider time, ILogger<NodeRoutes> logger)
    {
        _registry = registry;
        _proxy = proxy;
        _time = time;
        _logger = logger;
    }

    /// <summary>The path prefix under which a node's agent is reachable through the gateway.</summary>
    public static string PrefixOf(string nodeId) => "/nodes/" + Uri.EscapeDataString(nodeId);

    /// <summary>Recomputes the routes now; returns whether they changed.</summary>
    public bool Refresh()
    {
        lock (_gate)
        {
            var live = _registry.Nodes.Where(_registry.IsLive).Select(n => n.Registration).ToList();
            var key = string.Join('\n', live.Select(n => n.NodeId + " " + n.AgentUrl + " " + n.AgentCertificateSha256));
            if (key == _current)
            {
                return false;
            }

            _proxy.Update([.. live.Select(Route)], [.. live.Select(Cluster)]);
            _current = key;
            return true;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, _time);
        do
        {
            try
            {
                Refresh();
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                // The shared registry is out of reach: the routes stay as they were, so relayed workers keep serving.
                Log.StateUnavailable(_logger, "relay routes", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    // Callers authenticate to the relay like to any endpoint; their credential stops here. The gateway reaches the agent
    // over mutual TLS (AgentHttpClientFactory).
    private static RouteConfig Route(ControlPlane.NodeRegistration node) => new()
    {
        RouteId = "node-" + node.NodeId,
        ClusterId = "node-" + node.NodeId,
        AuthorizationPolicy = Security.MeshPolicies.Caller,
        Match = new RouteMatch { Path = PrefixOf(node.NodeId) + "/relay/{workerId}" },
        Transforms =
        [
            new Dictionary<string, string> { ["PathRemovePrefix"] = PrefixOf(node.NodeId) },
            new Dictionary<string, string> { ["RequestHeaderRemove"] = "Authorization" },
        ],
    };

    private static ClusterConfig Cluster(ControlPlane.NodeRegistration node) => new()
    {
        ClusterId = "node-" + node.NodeId,
        Destinations = new Dictionary<string, DestinationConfig> { ["agent"] = new() { Address = node.AgentUrl } },
        Metadata = new Dictionary<string, string> { [AgentHttpClientFactory.PinKey] = node.AgentCertificateSha256 },

        HttpRequest = new ForwarderRequestConfig
        {
            // A relayed worker connection may sit idle between calls; the worker's own idle deadline governs it, not YARP's 100 s default.
            ActivityTimeout = TimeSpan.FromMinutes(10),

            // HTTP/1.1 to the agent: once upgraded, YARP copies the connection's bytes as they are. Over HTTP/2 (YARP's
            // default) every message of every call is also an HTTP/2 DATA frame, with flow control and the client's write loop.
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        },
    };
}
