using System.Diagnostics;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>Runs a short command to learn whether a sandbox tool works here.</summary>
internal static class Probe
{
    public static bool Succeeds(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = DataPlaneHandoff.StartPlain(start);
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not installed.
            return false;
        }
    }
}
