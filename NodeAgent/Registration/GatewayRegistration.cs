using System.Net;
using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.NodeAgent.Sandboxes;
using MeshRpc.NodeAgent.Workers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace MeshRpc.NodeAgent.Registration;

/// <summary>Registers the node with UAH CORE once the agent listens, then heartbeats its live workers; re-registers when the gateway forgot it.</summary>
public sealed class GatewayRegistration : BackgroundService
{
    private readonly NodeAgentOptions _options;
    private readonly IGatewayApi _gateway;
    private readonly WorkerTable _workers;
    private readonly WarmPool _pool;
    private readonly ISandboxProvider _sandboxes;
    private readonly GatewayTrust _trust;
    private readonly NodeIdentity _identity;
    private readonly IServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<GatewayRegistration> _logger;

    // The worker list the gateway last accepted whole, and its number; numbers rise for the agent's whole run.
    private (long Version, IReadOnlyList<WorkerReport> Workers)? _sent;
    private long _listVersion;

    /// <summary>Creates the service.</summary>
    public GatewayRegistration(
        NodeAgentOptions options,
        IGatewayApi gateway,
        WorkerTable workers,
        WarmPool pool,
        ISandboxProvider sandboxes,
        GatewayTrust trust,
        NodeIdentity identity,
        IServer server,
        IHostApplicationLifetime lifetime,
        ILogger<GatewayRegistration> logger)
    {
        _options = options;
        _gateway = gateway;
        _workers = workers;
        _pool = pool;
        _sandboxes = sandboxes;
        _trust = trust;
        _identity = identity;
        _server = server;
        _lifetime = lifetime;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (_lifetime.ApplicationStarted.Register(started.SetResult))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var registration = new NodeRegistration
        {
            NodeId = _options.NodeId,
            AgentUrl = _server.Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First(),
            DataPlaneAddress = _options.DataPlaneAddress,
            Sandbox = _sandboxes.Name,
            Slots = _options.Slots,
            Cores = Environment.ProcessorCount,
            WorkerMemoryMb = (int)(_options.Limits.MemoryBytes >> 20),
            Labels = _options.Labels,
            RunsSource = _sandboxes.ContainsWorkers || _options.AllowUncontainedSource,
            Egress = _options.EgressSubnet is not null,
            AgentCertificateSha256 = _identity.CertificateSha256,
        };

        var registered = false;
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        do
        {
            try
            {
                if (!registered)
                {
                    var joined = await _gateway.RegisterNodeAsync(registration, stoppingToken);
                    _identity.Registered(joined.NodeCredential, joined.GatewayCertificateSha256);
                    _trust.Update(joined);
                    registered = true;

                    // A registration clears the list the gateway held for the node: the next heartbeat sends it whole.
                    _sent = null;
                    Log.Registered(_logger, _options.NodeId, _options.Gateway, registration.Sandbox, registration.Slots, registration.AgentUrl);
                }

                if (await HeartbeatAsync(stoppingToken) is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized)
                {
                    // The gateway restarted and lost its registry (and the node's credential); joining again rebuilds both.
                    _identity.Forget();
                    registered = false;
                }
            }
            catch (Refit.ApiException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                registered = false;
                Log.JoinRefused(_logger, _options.Gateway, MeshError.Parse(ex.Content)?.Detail ?? $"HTTP {(int)ex.StatusCode}");
            }
            catch (Refit.ApiException ex) when (ex.StatusCode is HttpStatusCode.Conflict)
            {
                Log.RegistrationConflict(_logger, _options.Gateway, MeshError.Parse(ex.Content)?.Detail ?? $"HTTP {(int)ex.StatusCode}");
            }
            // Refit.ApiExceptionBase: an error reply (ApiException) or no reply at all (ApiRequestException, e.g. a gateway restarting).
            catch (Exception ex) when (ex is HttpRequestException or Refit.ApiExceptionBase)
            {
                registered = false;
                Log.GatewayUnreachable(_logger, _options.Gateway, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // Sends the workers, or only the number of the list last sent when they are the same workers (most heartbeats of a
    // busy node); a gateway that does not hold that list answers 409, and gets it whole at once.
    private async Task<HttpStatusCode?> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var (workers, added) = _workers.Snapshot();
        var warm = _pool.Report();
        if (_sent is { } sent && SameWorkers(sent.Workers, workers))
        {
            using var brief = await _gateway.HeartbeatAsync(_options.NodeId, new NodeHeartbeat(null) { ListVersion = sent.Version, Added = added, WarmHosts = warm }, cancellationToken);
            if (brief.StatusCode != HttpStatusCode.Conflict)
            {
                return brief.StatusCode;
            }
        }

        var version = ++_listVersion;
        using var response = await _gateway.HeartbeatAsync(_options.NodeId, new NodeHeartbeat(workers) { ListVersion = version, Added = added, WarmHosts = warm }, cancellationToken);
        _sent = response.IsSuccessStatusCode ? (version, workers) : null;
        return response.StatusCode;
    }

    private static bool SameWorkers(IReadOnlyList<WorkerReport> sent, IReadOnlyList<WorkerReport> now)
    {
        if (sent.Count != now.Count)
        {
            return false;
        }

        var ids = sent.Select(w => w.WorkerId).ToHashSet(StringComparer.Ordinal);
        return now.All(w => ids.Contains(w.WorkerId));
    }
}
