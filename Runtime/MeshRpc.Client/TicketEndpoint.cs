namespace MeshRpc.Client;

/// <summary>Parses a ticket's direct endpoint: <c>tls://host:port</c>, or <c>tcp://host:port</c> on a mesh without TLS.</summary>
internal static class TicketEndpoint
{
    public static (string Host, int Port) ParseDirect(CapabilityTicket ticket)
    {
        var endpoint = ticket.Endpoints.Direct;
        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Port > 0 && uri.Scheme is "tls" or "tcp")
        {
            if ((uri.Scheme == "tls") != (ticket.Tls is not null))
            {
                throw new CallRefusedException(uri.Scheme == "tls"
                    ? $"The ticket's endpoint '{endpoint}' is TLS but the ticket pins no certificate. The ticket is malformed; summon the worker again."
                    : $"The ticket's endpoint '{endpoint}' is plain TCP but the ticket pins a certificate. The ticket is malformed; summon the worker again.");
            }

            return (uri.Host, uri.Port);
        }

        throw new CallRefusedException(
            $"The ticket's endpoint '{endpoint}' is not a 'tls://host:port' or 'tcp://host:port' address. The ticket is malformed; summon the worker again.");
    }

    public static Uri? ParseRelay(CapabilityTicket ticket)
    {
        if (ticket.Endpoints.Relay is not { } relay)
        {
            return null;
        }

        return Uri.TryCreate(relay, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss"
            ? uri
            : throw new CallRefusedException(
                $"The ticket's relay endpoint '{relay}' is not a ws:// or wss:// URL. The ticket is malformed; summon the worker again.");
    }
}
