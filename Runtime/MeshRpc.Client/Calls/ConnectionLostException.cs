namespace MeshRpc.Client.Calls;

/// <summary>The connection under a call closed before its reply came: the worker exited, was torn down, or its node or the network failed.</summary>
internal sealed class ConnectionLostException(Exception cause)
    : IOException("The connection to the worker was lost: " + cause.Message, cause);
