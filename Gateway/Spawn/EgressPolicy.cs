using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Api;

namespace MeshRpc.Gateway.Spawn;

/// <summary>
/// The gateway's cap on where workers may connect: a summon's egress destinations must each lie inside one the
/// operator allowed (<c>--egress-allow</c>); by default none is, so workers reach nothing.
/// </summary>
public static class EgressPolicy
{
    /// <summary>Most destinations one summon may list.</summary>
    public const int MaxDestinations = 32;

    /// <summary>The summon's destinations in canonical form; throws a 400 for a malformed list and a 403 for one the policy does not cover.</summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<string>? requested, IReadOnlyList<EgressDestination> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (requested is not { Count: > 0 })
        {
            return [];
        }

        if (requested.Count > MaxDestinations)
        {
            throw new GatewayException(MeshErrorCodes.InvalidRequest,
                $"The summon lists {requested.Count} egress destinations; at most {MaxDestinations} are accepted. Use networks (10.1.2.0/24:443) rather than single addresses.");
        }

        var destinations = new List<string>(requested.Count);
        foreach (var text in requested)
        {
            if (!EgressDestination.TryParse(text, out var destination, out var problem))
            {
                throw new GatewayException(MeshErrorCodes.InvalidRequest, problem);
            }

            if (!allowed.Any(cap => cap.Covers(destination)))
            {
                var policy = allowed.Count == 0 ? "allows workers no egress" : "allows only " + string.Join(", ", allowed);
                throw new GatewayException(MeshErrorCodes.Forbidden,
                    $"The gateway's egress policy does not cover {destination}: it {policy}. Summon without that destination, or ask the operator to allow it (--egress-allow).");
            }

            destinations.Add(destination.ToString());
        }

        return destinations;
    }
}
