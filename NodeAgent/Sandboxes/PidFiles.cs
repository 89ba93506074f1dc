namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// Remembers each running sandbox's root process in a file, so an agent restarted after SIGKILL can find and kill
/// what its previous run left behind. (Parent-death signals are no help here: Linux ties them to the forking thread.)
/// </summary>
internal sealed class PidFiles
{
    private readonly string _directory;

    public PidFiles(string directory) => _directory = Directory.CreateDirectory(directory).FullName;

    public void Record(string name, int pid) => File.WriteAllText(PathOf(name), pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Forget(string name) => File.Delete(PathOf(name));

    /// <summary>Kills every recorded process that still runs the given program, and forgets them all.</summary>
    public int KillRecorded(string programMarker)
    {
        var killed = 0;
        foreach (var file in Directory.EnumerateFiles(_directory, "*.pid"))
        {
            if (int.TryParse(File.ReadAllText(file), out var pid) && CommandLineContains(pid, programMarker))
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(TimeSpan.FromSeconds(10));
                    killed++;
                }
                catch (ArgumentException)
                {
                    // Gone already.
                }
            }

            File.Delete(file);
        }

        return killed;
    }

    private string PathOf(string name) => Path.Combine(_directory, name + ".pid");

    // A recycled pid must not get an unrelated process killed: check what it runs.
    private static bool CommandLineContains(int pid, string marker)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(marker, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
