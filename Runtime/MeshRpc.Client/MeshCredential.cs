using System.Net.Http.Headers;

namespace MeshRpc;

/// <summary>
/// What proves a caller to UAH CORE: an API key from the operator, or bearer JWTs from the operator's identity provider.
/// Sent as <c>Authorization: Bearer</c> on every gateway request and on the relay. Its text never appears in
/// <see cref="ToString"/>, logs or errors.
/// </summary>
public sealed class MeshCredential
{
    private readonly Func<CancellationToken, ValueTask<string>> _value;

    private MeshCredential(Func<CancellationToken, ValueTask<string>> value) => _value = value;

    /// <summary>An API key (<c>mesh_...</c>) or a long-lived token.</summary>
    public static MeshCredential FromKey(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return new(_ => ValueTask.FromResult(key));
    }

    /// <summary>Tokens fetched per request, so that a refreshed JWT replaces an expiring one.</summary>
    public static MeshCredential FromTokens(Func<CancellationToken, ValueTask<string>> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new(tokens);
    }

    /// <summary>
    /// The credential in the environment variable <paramref name="variable"/> (by default <c>MESHRPC_CREDENTIAL</c>), or
    /// null when it is unset: how a program that one started is handed a credential, without it showing on a command line.
    /// </summary>
    public static MeshCredential? FromEnvironment(string variable = EnvironmentVariable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } key ? FromKey(key) : null;

    /// <summary>The environment variable <see cref="FromEnvironment"/> reads by default.</summary>
    public const string EnvironmentVariable = "MESHRPC_CREDENTIAL";

    /// <summary>The <c>Authorization</c> header value to send now.</summary>
    public async ValueTask<AuthenticationHeaderValue> HeaderAsync(CancellationToken cancellationToken) =>
        new("Bearer", await _value(cancellationToken));

    /// <inheritdoc />
    public override string ToString() => "MeshCredential (redacted)";
}

/// <summary>Adds a <see cref="MeshCredential"/> to every request of an <see cref="HttpClient"/>.</summary>
public sealed class MeshCredentialHandler : DelegatingHandler
{
    private readonly MeshCredential _credential;

    /// <summary>Creates the handler; give it an inner handler, or use it in an HttpClientFactory pipeline.</summary>
    public MeshCredentialHandler(MeshCredential credential) => _credential = credential ?? throw new ArgumentNullException(nameof(credential));

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = await _credential.HeaderAsync(cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
