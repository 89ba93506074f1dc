using MeshRpc.NodeAgent.Configuration;

namespace MeshRpc.NodeAgent.Registration;

/// <summary>
/// Which of the swarm's gateways this agent speaks to: its own (<c>--gateway</c>) until that stops answering, then the
/// next of <c>--fallback-gateways</c>, round the list. Gateways that share a swarm (docs/scaling.md) share its state, so
/// the agent registers with the next one and goes on; its workers serve all along, their calls not going through any.
/// </summary>
public sealed class GatewayHome(NodeAgentOptions options)
{
    private readonly IReadOnlyList<Uri> _gateways = options.Gateways;
    private int _current;

    /// <summary>The gateway the agent speaks to now.</summary>
    public Uri Current => _gateways[Volatile.Read(ref _current)];

    /// <summary>Whether there is another gateway to move to.</summary>
    public bool HasFallback => _gateways.Count > 1;

    /// <summary>Moves to the next gateway of the list and returns it.</summary>
    public Uri MoveOn()
    {
        var next = (Volatile.Read(ref _current) + 1) % _gateways.Count;
        Volatile.Write(ref _current, next);
        return _gateways[next];
    }

    /// <summary>The address of a request made against the first gateway, pointed at the current one.</summary>
    public Uri Rebase(Uri requestUri)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        var current = Current;
        return current == _gateways[0] ? requestUri : new UriBuilder(requestUri) { Scheme = current.Scheme, Host = current.Host, Port = current.Port }.Uri;
    }
}

/// <summary>Sends the agent's requests to UAH CORE to whichever gateway <see cref="GatewayHome"/> says is home now.</summary>
public sealed class GatewayHomeHandler(GatewayHome home, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.RequestUri = home.Rebase(request.RequestUri!);
        return base.SendAsync(request, cancellationToken);
    }
}
