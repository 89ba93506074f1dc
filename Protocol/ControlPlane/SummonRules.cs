namespace MeshRpc.ControlPlane;

/// <summary>
/// What makes a summon name its code well: checked in this one place by the client before it sends, by the gateway
/// when a summon arrives, and by the agent when a forge request does.
/// </summary>
public static class SummonRules
{
    /// <summary>
    /// The global usings summoned source compiles with: the implicit usings of an SDK project, so a summoned class reads
    /// like one in a project. The worker host compiles with them; a caller that compiles the same source (to learn its
    /// contract's hash) must too, or the two hash different contracts.
    /// </summary>
    public const string SourceImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>Why a summon that does or does not name a gem and source code is malformed, or null when it names exactly one.</summary>
    public static string? TargetProblem(bool namesGem, bool namesSource) => (namesGem, namesSource) switch
    {
        (true, true) => "A summon names either a gem or source code, not both.",
        (false, false) => "A summon names what to run: a gem ('gem': gem://name@version or sha256:...) or raw C# source ('sourceCode').",
        _ => null,
    };
}
