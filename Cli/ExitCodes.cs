namespace MeshRpc.Cli;

/// <summary>What <c>x-hauki-core</c> exits with (docs/cli.md lists them): scripts tell failures apart by these.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Anything else that failed: the gateway answered with an error the other codes do not cover.</summary>
    public const int Failed = 1;

    /// <summary>A bad argument or option: nothing was sent.</summary>
    public const int BadArgument = 2;

    /// <summary>The gateway knows no such worker (or node, or gem).</summary>
    public const int NotFound = 3;

    /// <summary>The gateway refused the credential (none, unknown, or lacking the permission).</summary>
    public const int Refused = 4;

    /// <summary>No gateway answered at the address.</summary>
    public const int Unreachable = 5;
}
