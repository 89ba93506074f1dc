namespace MeshRpc.IntegrationTests.Containment;

/// <summary>Joins C# files into the one compilation unit a raw-source summon carries.</summary>
internal static class RawSource
{
    /// <summary>
    /// The embedded resources named <paramref name="files"/>, as one file: their usings first, then one file-scoped
    /// namespace, then their declarations (each file may declare only that namespace).
    /// </summary>
    public static string Join(string @namespace, params string[] files)
    {
        var lines = files.SelectMany(file => Read(file).Split('\n')).Select(line => line.TrimEnd('\r')).ToList();
        var usings = lines.Where(l => l.StartsWith("using ", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal);
        var body = lines.Where(l => !l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("namespace ", StringComparison.Ordinal));
        return string.Join('\n', [.. usings, string.Empty, $"namespace {@namespace};", .. body]);
    }

    private static string Read(string resource)
    {
        using var stream = typeof(RawSource).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The test assembly embeds no resource {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
