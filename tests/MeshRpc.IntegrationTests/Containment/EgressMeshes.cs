using System.Net;
using System.Security.Cryptography;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Containment;

/// <summary>
/// The egress settings of a test mesh: the agent carves worker links from a subnet of its own (so meshes running at
/// once do not meet), and the gateway's policy covers the test hosts' networks (<see cref="NetworkNamespace"/>),
/// including the node's own addresses on them, which the node must refuse whatever the policy says.
/// </summary>
public sealed class EgressSettings
{
    /// <summary>The gateway's cap: the test namespaces' 10.213.0.0/16, any port.</summary>
    public const string Cap = "10.213.0.0/16:*";

    /// <summary>The agent's link subnet, a /24 of 10.232.0.0/16 picked at random.</summary>
    public IPNetwork Subnet { get; } = IPNetwork.Parse($"10.232.{RandomNumberGenerator.GetInt32(0, 256)}.0/24");

    /// <summary>The prefix of every network interface the agent makes for its links (it names them after its subnet).</summary>
    public string InterfacePrefix => "mw" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Subnet.ToString())))[..4];

    /// <summary>The agent's arguments.</summary>
    public IEnumerable<string> AgentArguments => ["--egress-subnet", Subnet.ToString()];

    /// <summary>The gateway's arguments.</summary>
    public static IEnumerable<string> GatewayArguments => ["--egress-allow", Cap];
}

/// <summary>An LXC mesh whose node gives workers egress.</summary>
public sealed class LxcEgressMesh(EgressSettings egress) : LxcMesh
{
    protected override IEnumerable<string> AgentArguments => [.. base.AgentArguments, .. egress.AgentArguments];

    protected override IEnumerable<string> GatewayArguments => EgressSettings.GatewayArguments;
}

/// <summary>A bubblewrap mesh whose node gives workers egress.</summary>
public sealed class BwrapEgressMesh(EgressSettings egress) : BwrapMesh
{
    protected override IEnumerable<string> AgentArguments => egress.AgentArguments;

    protected override IEnumerable<string> GatewayArguments => EgressSettings.GatewayArguments;
}
