namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>The state UAH CORE shares through Redis cannot be read or written: the message says what and how to fix it.</summary>
public sealed class RedisStateException(string message, Exception? innerException = null) : Exception(message, innerException);
