namespace MeshRpc.Tls;

/// <summary>
/// How a worker's address and certificate appear in reports and tickets: a worker that serves TLS is <c>tls://</c> and
/// pinned by its certificate's fingerprint; one that does not is <c>tcp://</c> and pinned by nothing.
/// </summary>
public static class PinnedEndpoint
{
    /// <summary>The direct endpoint of a worker listening at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static string Direct(string host, int port, string? certificateSha256) =>
        $"{(certificateSha256 is null ? "tcp" : "tls")}://{host}:{port}";

    /// <summary>The ticket's pin for a worker whose certificate has <paramref name="certificateSha256"/>, or null without TLS.</summary>
    public static TicketTls? Pin(string? certificateSha256) =>
        certificateSha256 is null ? null : new TicketTls(TicketTls.Sha256, certificateSha256);
}
