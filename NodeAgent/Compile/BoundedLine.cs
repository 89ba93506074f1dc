using System.Text;

namespace MeshRpc.NodeAgent.Compile;

/// <summary>Reads one line from a sandbox that may not end it: never more than a bound, so hostile output cannot fill the agent's memory.</summary>
public static class BoundedLine
{
    /// <summary>The first line (without its end), null at once-empty end of input; throws <see cref="InvalidDataException"/> past <paramref name="maxChars"/>.</summary>
    public static async Task<string?> ReadAsync(TextReader reader, int maxChars, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var buffer = new char[16 * 1024];
        while (true)
        {
            var read = await reader.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }

            var end = Array.IndexOf(buffer, '\n', 0, read);
            line.Append(buffer, 0, end < 0 ? read : end);
            if (line.Length > maxChars)
            {
                throw new InvalidDataException($"The line is longer than {maxChars} characters.");
            }

            if (end >= 0)
            {
                return line.ToString();
            }
        }
    }
}
