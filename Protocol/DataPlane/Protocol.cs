using System.Security.Cryptography;
using System.Text;

namespace MeshRpc.Wire;

/// <summary>Constants and the proof computation shared by both ends of the data plane.</summary>
public static class Protocol
{
    /// <summary>The data-plane protocol version both ends must speak.</summary>
    public const string Version = "meshrpc/1";

    /// <summary>The only ticket auth algorithm this version accepts: ES256-signed claims, and an HMAC-SHA256 proof over the worker's challenge.</summary>
    public const string AuthAlgorithm = "es256+hmac-sha256-challenge";

    /// <summary>The method name of the worker's challenge notification.</summary>
    public const string ChallengeMethod = "mesh.challenge";

    /// <summary>The method name of the caller's handshake request.</summary>
    public const string HandshakeMethod = "mesh.handshake";

    /// <summary>The notification a caller sends to keep its worker alive.</summary>
    public const string HeartbeatMethod = "mesh.heartbeat";

    /// <summary>JSON-RPC error code: the handshake failed or was skipped.</summary>
    public const int HandshakeRefusedCode = -32001;

    /// <summary>The notification that tells a worker its caller gave up a call: <c>{"id": n}</c>, whose token then fires.</summary>
    public const string CancelRequestMethod = "$/cancelRequest";

    /// <summary>JSON-RPC error code: the worker's method threw; the reply's data is a <see cref="CallErrorData"/>.</summary>
    public const int InvocationErrorCode = -32000;

    /// <summary>JSON-RPC error code: the worker serves no method by that name.</summary>
    public const int MethodNotFoundCode = -32601;

    /// <summary>JSON-RPC error code: the worker has the method, but not for these arguments.</summary>
    public const int InvalidParamsCode = -32602;

    /// <summary>JSON-RPC error code: the worker stopped the call because its caller cancelled it.</summary>
    public const int RequestCanceledCode = -32800;

    /// <summary>
    /// The largest frame either end accepts after the handshake, by default: a larger declaration closes the connection
    /// before its body is read, so a hostile peer cannot make the other end buffer gigabytes.
    /// </summary>
    public const int MaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The proof of possession: HMAC-SHA256 under the ticket secret over the protocol, worker, ticket and the worker's nonce.
    /// The nonce is fresh per connection, so a recorded proof is useless on another connection.
    /// </summary>
    public static string ComputeProof(byte[] secret, string workerId, string ticketId, string nonce)
    {
        var message = Encoding.UTF8.GetBytes($"{Version}\n{workerId}\n{ticketId}\n{nonce}");
        return Convert.ToBase64String(HMACSHA256.HashData(secret, message));
    }

    /// <summary>Compares a presented proof with the expected one in constant time.</summary>
    public static bool ProofMatches(string expected, string presented)
    {
        var a = Encoding.ASCII.GetBytes(expected);
        var b = Encoding.ASCII.GetBytes(presented);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
