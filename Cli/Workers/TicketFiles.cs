using System.Text.Json;
using MeshRpc.ControlPlane;

namespace MeshRpc.Cli.Workers;

/// <summary>
/// Where <c>summon</c> keeps the tickets of the workers it holds, for <c>call</c> to use:
/// <c>$XDG_STATE_HOME/x-hauki-core/tickets</c> (else <c>~/.local/state/…</c>). A ticket's secret lets anyone who reads
/// it call the worker, so the directory and each file are this user's alone (0700 and 0600), and the file goes when
/// the worker does.
/// </summary>
internal static class TicketFiles
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The directory of ticket files.</summary>
    public static string Directory { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } state
            ? state
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state"),
        "x-hauki-core", "tickets");

    /// <summary>The file of <paramref name="workerId"/>'s ticket, or null when the id could not be a worker's (it names a file).</summary>
    public static string? PathOf(string workerId) =>
        workerId.Length is > 0 and <= 64 && workerId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? Path.Combine(Directory, workerId + ".json")
            : null;

    /// <summary>Writes the ticket to its file, readable by this user alone; returns the file.</summary>
    public static async Task<string> SaveAsync(CapabilityTicket ticket, CancellationToken cancellationToken)
    {
        var path = PathOf(ticket.WorkerId) ?? throw new InvalidDataException($"The gateway issued a ticket for a worker id no file may carry: '{ticket.WorkerId}'.");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
        {
            // A profile's folders are its user's alone there already.
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, OwnerOnlyDirectory);
            options.UnixCreateMode = OwnerOnlyFile;
        }

        await using var file = new FileStream(path, options);
        await JsonSerializer.SerializeAsync(file, ticket, ControlPlaneJsonContext.Default.CapabilityTicket, cancellationToken);
        return path;
    }

    /// <summary>Reads a ticket file; throws <see cref="JsonException"/> or <see cref="IOException"/> when it cannot.</summary>
    public static async Task<CapabilityTicket> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync(file, ControlPlaneJsonContext.Default.CapabilityTicket, cancellationToken)
            ?? throw new JsonException("The file holds null, not a ticket.");
    }

    /// <summary>Removes <paramref name="workerId"/>'s ticket file, if it is there.</summary>
    public static void Delete(string workerId)
    {
        if (PathOf(workerId) is { } path)
        {
            File.Delete(path);
        }
    }
}
