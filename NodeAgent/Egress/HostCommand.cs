using System.Diagnostics;
using MeshRpc.NodeAgent.Sandboxes;

namespace MeshRpc.NodeAgent.Egress;

/// <summary>Runs the node's network tools (<c>ip</c>, <c>nft</c>) for the egress network, each fed a script on standard input.</summary>
internal static class HostCommand
{
    /// <summary>Runs <paramref name="program"/>; throws naming the command and what it printed when it fails.</summary>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, string? input = null, bool check = true)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = StartInstalled(start);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}: {error.Trim()}");
        }

        return await output;
    }

    private static Process StartInstalled(ProcessStartInfo start)
    {
        try
        {
            return DataPlaneHandoff.StartPlain(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{start.FileName}' could not run ({ex.Message}): workers' egress needs iproute2 and nftables installed.", ex);
        }
    }
}
