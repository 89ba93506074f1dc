namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>The checks behind <see cref="ISandboxProvider.ReadinessProblem"/>: cheap, and worded without paths.</summary>
internal static class ProviderReadiness
{
    /// <summary>Why the provider's own folder could not take a sandbox's files, or null when it can.</summary>
    public static string? FolderProblem(string folder)
    {
        var probe = Path.Combine(folder, $".ready-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "its folder under the agent's --work-dir is gone or cannot be written; check the disk, or restart the agent to make it again.";
        }
    }

    /// <summary>Why <paramref name="tool"/> cannot be run, or null when it is on the PATH.</summary>
    public static string? ToolProblem(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)))
            ? null
            : $"{tool} is not installed, or not on the agent's PATH.";
}
