namespace MeshRpc.ControlPlane;

/// <summary>
/// What a caller's credential allows, as the gateway's authorization policies name it: an API key's permissions, or
/// the space-separated <c>scope</c> claim of a bearer JWT.
/// </summary>
public static class MeshPermissions
{
    /// <summary>Summon workers from published gems, and list, connect to and tear down one's own workers.</summary>
    public const string SummonGem = "summon:gem";

    /// <summary>Summon workers from raw source code: running arbitrary code on a node, so granted separately.</summary>
    public const string SummonSource = "summon:source";

    /// <summary>Publish gems to the gem store.</summary>
    public const string PublishGems = "gems:publish";

    /// <summary>
    /// Join the swarm as a node: a key with only this permission is a join token. A node that registers with it gets a
    /// credential of its own, valid for that node alone.
    /// </summary>
    public const string NodeJoin = "node:join";

    /// <summary>Everything: every caller's workers, the service registry, provisioning on a named node.</summary>
    public const string Admin = "admin";

    /// <summary>Every permission, for validating what an operator grants.</summary>
    public static IReadOnlyList<string> All { get; } = [SummonGem, SummonSource, PublishGems, NodeJoin, Admin];
}
