using System.Net;

namespace MeshRpc;

/// <summary>
/// Sends each request to the first of several gateways of one swarm that answers, and stays with it. A request that
/// got no answer at all (refused, reset, the gateway gone mid-request) goes to the next gateway when repeating it is
/// harmless: reads, deletes, and posts that carry an <c>Idempotency-Key</c> (a summon does: a gateway that receives it
/// twice forges one worker). Gateways that answer, even with an error, are not passed over.
/// </summary>
public sealed class GatewayFailoverHandler : DelegatingHandler
{
    /// <summary>The header that makes a POST safe to send again.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly IReadOnlyList<Uri> _gateways;
    private int _current;

    /// <summary>Fails over between <paramref name="gateways"/> (base addresses of one swarm's gateways), in order.</summary>
    public GatewayFailoverHandler(IReadOnlyList<Uri> gateways, HttpMessageHandler inner)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        if (gateways.Count == 0 || gateways.Any(g => !g.IsAbsoluteUri))
        {
            throw new ArgumentException("Give at least one gateway, each an absolute http:// or https:// address.", nameof(gateways));
        }

        _gateways = gateways;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var repeatable = request.Method == HttpMethod.Get || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Head
            || request.Headers.Contains(IdempotencyKeyHeader);
        var body = repeatable && request.Content is { } content ? await content.ReadAsByteArrayAsync(cancellationToken) : null;
        var path = request.RequestUri!;
        var first = Volatile.Read(ref _current);
        for (var attempt = 0; ; attempt++)
        {
            var index = (first + attempt) % _gateways.Count;
            request.RequestUri = Rebase(path, _gateways[index]);
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                Volatile.Write(ref _current, index);
                return response;
            }
            catch (HttpRequestException ex) when (repeatable && attempt + 1 < _gateways.Count && !cancellationToken.IsCancellationRequested && NoAnswer(ex))
            {
                // A request message is sent once: the next gateway gets a copy.
                request = Copy(request, body);
            }
        }
    }

    private static Uri Rebase(Uri requestUri, Uri gateway) =>
        new UriBuilder(requestUri) { Scheme = gateway.Scheme, Host = gateway.Host, Port = gateway.Port }.Uri;

    // No HTTP answer: the connection was refused, reset or closed before a response (not a timeout of ours, nor an error reply).
    private static bool NoAnswer(HttpRequestException ex) => ex.StatusCode is null;

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var (name, values) in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var (name, values) in request.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        return copy;
    }
}
