using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace MeshRpc.NodeAgent.Registration;

/// <summary>
/// What this node proves itself with, and what it expects of its gateway: the operator's join token (to register),
/// the credential the gateway issued at registration (for everything after), and the token the agent made at start-up,
/// which only the gateway it registered with learns and must present on every request to the agent.
/// </summary>
public sealed class NodeIdentity
{
    private volatile string? _nodeCredential;

    /// <summary>Creates the identity; <paramref name="joinToken"/> is the operator's, or null where none was given.</summary>
    public NodeIdentity(string? joinToken) => JoinToken = joinToken;

    /// <summary>The operator's join token.</summary>
    public string? JoinToken { get; }

    /// <summary>The token the gateway presents to this agent.</summary>
    public string AgentToken { get; } = "meshagent_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Records the credential the gateway issued at registration.</summary>
    public void Registered(string nodeCredential) => _nodeCredential = nodeCredential;

    /// <summary>Forgets it, when the gateway no longer accepts it: the node registers again.</summary>
    public void Forget() => _nodeCredential = null;

    /// <summary>Whether the bearer credential presented to the agent is its gateway's token.</summary>
    public bool IsGateway(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(presented), System.Text.Encoding.ASCII.GetBytes(AgentToken));

    /// <summary>The header for a request to the gateway: the join token to register, the node credential otherwise.</summary>
    public AuthenticationHeaderValue? HeaderFor(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var registering = request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.TrimEnd('/').EndsWith("/api/v2/nodes", StringComparison.Ordinal) == true;
        var credential = registering ? JoinToken : _nodeCredential ?? JoinToken;
        return credential is null ? null : new AuthenticationHeaderValue("Bearer", credential);
    }
}

/// <summary>Adds the node's credential to every request the agent makes to its gateway.</summary>
public sealed class NodeCredentialHandler(NodeIdentity identity) : DelegatingHandler(new HttpClientHandler())
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = identity.HeaderFor(request);
        return base.SendAsync(request, cancellationToken);
    }
}
