namespace Quickstart;

/// <summary>The calculator as raw C# source: the contract file itself plus an implementation, both embedded in this program.</summary>
internal static class CalculatorSource
{
    /// <summary>Source that compiles to a worker serving the same contract, with the same hash, as the gem.</summary>
    public static string Text { get; } = Read("ICalculator.cs") + "\n" + Read("SourceCalculator.txt");

    private static string Read(string name)
    {
        using var stream = typeof(CalculatorSource).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The quick start is missing its embedded '{name}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
