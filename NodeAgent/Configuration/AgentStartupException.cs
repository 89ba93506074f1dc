namespace MeshRpc.NodeAgent.Configuration;

/// <summary>The agent cannot start as configured on this machine; the message says what to change.</summary>
public sealed class AgentStartupException(string message) : Exception(message);
