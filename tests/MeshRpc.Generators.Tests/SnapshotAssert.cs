using System.Reflection;

namespace MeshRpc.Generators.Tests;

/// <summary>
/// Compares generated source with a checked-in <c>Snapshots/{name}.txt</c> (name ends in .cs or .ts) and names the first differing line.
/// Set MESHRPC_ACCEPT_SNAPSHOTS=1 to rewrite the baselines from the current output.
/// </summary>
internal static class SnapshotAssert
{
    private static readonly string Directory = typeof(SnapshotAssert).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SnapshotDirectory").Value!;

    public static void Matches(string name, string actual)
    {
        var path = System.IO.Path.Combine(Directory, name + ".txt");
        actual = actual.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("MESHRPC_ACCEPT_SNAPSHOTS") == "1")
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No snapshot {path}. Run the tests once with MESHRPC_ACCEPT_SNAPSHOTS=1 and review the new file.");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected == actual)
        {
            return;
        }

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var a = i < actualLines.Length ? actualLines[i] : "<end of file>";
            if (e != a)
            {
                Assert.Fail($"Generated source differs from {path} at line {i + 1}.\n  expected: {e}\n  actual:   {a}\n" +
                            "If the change is intended, rerun with MESHRPC_ACCEPT_SNAPSHOTS=1 and review the diff.");
            }
        }
    }
}
