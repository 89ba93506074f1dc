using System.Net;
using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Compile;
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
    private readonly GatewayContact _contact;
    private readonly GatewayHome _home;

    // Heartbeats in a row that got no answer at all; at this many, the node moves to its next gateway.
    private const int UnansweredBeforeMoving = 3;
    private int _unanswered;

    private const string Unreachable = "UAH CORE is unreachable: check that it runs and that --gateway names it.";

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
        ILogger<GatewayRegistration> logger,
        GatewayContact contact,
        GatewayHome home)
    {
        _home = home;
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
        _contact = contact;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (_lifetime.ApplicationStarted.Register(started.SetResult))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var runsSource = _sandboxes.ContainsWorkers || _options.AllowUncontainedSource;
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
            RunsSource = runsSource,
            Toolchain = runsSource ? CompileToolchain.Id : null,
            SpoolKeepSeconds = _options.SpoolKeepSeconds,
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
                    Log.Registered(_logger, _options.NodeId, _home.Current, registration.Sandbox, registration.Slots, registration.AgentUrl);
                }

                var status = await HeartbeatAsync(stoppingToken);
                if (status is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized)
                {
                    // The gateway restarted and lost its registry (and the node's credential); joining again rebuilds both.
                    _identity.Forget();
                    registered = false;
                    _contact.Failed("UAH CORE no longer knows this node; it is joining again.");
                }
                else if (status is { } answered && (int)answered is >= 200 and < 300)
                {
                    _contact.Accepted();
                }
                else
                {
                    // No status: no answer at all (Refit reports a refused or broken connection that way).
                    _contact.Failed(status is null ? Unreachable : $"UAH CORE answered the heartbeat with HTTP {(int)status}.");
                }

                _unanswered = status is null ? _unanswered + 1 : 0;
            }
            catch (Refit.ApiException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                registered = false;
                _contact.Failed("UAH CORE refused this node's join token or credential: give the agent a current join token.");
                Log.JoinRefused(_logger, _home.Current, MeshError.Parse(ex.Content)?.Detail ?? $"HTTP {(int)ex.StatusCode}");
            }
            catch (Refit.ApiException ex) when (ex.StatusCode is HttpStatusCode.Conflict)
            {
                _contact.Failed("UAH CORE refused the registration: another live agent holds this node id.");
                Log.RegistrationConflict(_logger, _home.Current, MeshError.Parse(ex.Content)?.Detail ?? $"HTTP {(int)ex.StatusCode}");
            }
            // Refit.ApiExceptionBase: an error reply (ApiException) or no reply at all (ApiRequestException, e.g. a gateway restarting).
            catch (Exception ex) when (ex is HttpRequestException or Refit.ApiExceptionBase)
            {
                registered = false;
                _contact.Failed(Unreachable);
                Log.GatewayUnreachable(_logger, _home.Current, ex.Message);
                _unanswered++;
            }

            if (_unanswered >= UnansweredBeforeMoving && _home.HasFallback)
            {
                // The gateway is gone, not busy: another of the swarm's gateways holds the same state, so the node
                // registers there (its credential was this gateway's) and heartbeats on.
                var from = _home.Current;
                Log.Rehoming(_logger, from, _unanswered, _home.MoveOn());
                _identity.Forget();
                registered = false;
                _unanswered = 0;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // Sends what changed in the workers since the list the gateway last accepted (nothing, most heartbeats of a busy
    // node), or the list whole when that is shorter or the gateway holds no list of this node (409).
    private async Task<HttpStatusCode?> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var (workers, added) = _workers.Snapshot();
        var warm = _pool.Report();
        if (_sent is { } sent && Changes(sent.Workers, workers) is { } changes && changes.Started.Count + changes.Ended.Count <= workers.Count)
        {
            var unchanged = changes.Started.Count + changes.Ended.Count == 0;
            var version = unchanged ? sent.Version : ++_listVersion;
            using var reply = await _gateway.HeartbeatAsync(_options.NodeId, new NodeHeartbeat(null)
            {
                ListVersion = version,
                BaseVersion = unchanged ? null : sent.Version,
                Started = unchanged ? null : changes.Started,
                Ended = unchanged ? null : changes.Ended,
                Added = added,
                WarmHosts = warm,
            }, cancellationToken);
            if (reply.StatusCode != HttpStatusCode.Conflict)
            {
                _sent = reply.IsSuccessStatusCode ? (version, workers) : _sent;
                return reply.StatusCode;
            }
        }

        var whole = ++_listVersion;
        using var response = await _gateway.HeartbeatAsync(_options.NodeId, new NodeHeartbeat(workers) { ListVersion = whole, Added = added, WarmHosts = warm }, cancellationToken);
        _sent = response.IsSuccessStatusCode ? (whole, workers) : null;
        return response.StatusCode;
    }

    private static ListChanges Changes(IReadOnlyList<WorkerReport> sent, IReadOnlyList<WorkerReport> now)
    {
        var before = sent.Select(w => w.WorkerId).ToHashSet(StringComparer.Ordinal);
        var after = now.Select(w => w.WorkerId).ToHashSet(StringComparer.Ordinal);
        return new([.. now.Where(w => !before.Contains(w.WorkerId))], [.. before.Where(id => !after.Contains(id))]);
    }

    private sealed record ListChanges(List<WorkerReport> Started, List<string> Ended);
}
