using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace MeshRpc;

/// <summary>Names a published gem, either as <c>gem://name@version</c> or by content digest <c>sha256:&lt;64 hex&gt;</c>.</summary>
public sealed partial record GemPointer
{
    private GemPointer(string? name, string? version, string? digest)
    {
        Name = name;
        Version = version;
        Digest = digest;
    }

    /// <summary>The gem's name, when the pointer names one.</summary>
    public string? Name { get; }

    /// <summary>The gem's version, when the pointer names one.</summary>
    public string? Version { get; }

    /// <summary>The gem's <c>sha256:</c> digest, when the pointer is content-addressed.</summary>
    public string? Digest { get; }

    /// <summary>Parses a gem pointer; throws <see cref="FormatException"/> naming the accepted forms.</summary>
    public static GemPointer Parse(string text)
    {
        if (TryParse(text, out var pointer))
        {
            return pointer;
        }

        throw new FormatException(
            $"'{text}' is not a gem pointer. Use 'gem://name@version' (for example gem://calculator@1.0.0) " +
            "or a content digest 'sha256:' followed by 64 lowercase hex digits.");
    }

    /// <summary>Parses a gem pointer without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out GemPointer? pointer)
    {
        pointer = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (DigestPattern().IsMatch(text))
        {
            pointer = new GemPointer(null, null, text);
            return true;
        }

        var match = NamePattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        pointer = new GemPointer(match.Groups["name"].Value, match.Groups["version"].Value, null);
        return true;
    }

    /// <summary>Whether a string is a well-formed <c>sha256:</c> digest.</summary>
    public static bool IsDigest(string text) => DigestPattern().IsMatch(text);

    /// <summary>Whether a string is a valid gem name.</summary>
    public static bool IsValidName(string text) => NamePart().IsMatch(text);

    /// <summary>Whether a string is a valid gem version.</summary>
    public static bool IsValidVersion(string text) => VersionPart().IsMatch(text);

    /// <inheritdoc />
    public override string ToString() => Digest ?? $"gem://{Name}@{Version}";

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestPattern();

    [GeneratedRegex("^gem://(?<name>[a-z0-9][a-z0-9._-]{0,63})@(?<version>[0-9A-Za-z][0-9A-Za-z.+-]{0,63})$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePart();

    [GeneratedRegex("^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$")]
    private static partial Regex VersionPart();
}
