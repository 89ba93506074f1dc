using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MeshRpc.ControlPlane;

/// <summary>
/// The name of a compiled source worker: a hash of everything that decides what compiling it produces (the source,
/// the contract and its hash, the implicit usings, and the node's toolchain: its runtime and the assemblies it compiles
/// against). Gateway and node compute it alike; the same key means the same compiled gem, so it compiles once.
/// </summary>
public static class SourceKey
{
    // Bumped when what the compiler does with the same inputs changes (options, generators run).
    private const string Format = "meshrpc-source/1";

    /// <summary>The key: 64 lowercase hex digits.</summary>
    public static string Of(string contract, string contractHash, string source, string toolchain)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[sizeof(int)];
        foreach (var part in (string[])[Format, toolchain, contract, contractHash, SummonRules.SourceImplicitUsings, source])
        {
            // Each part behind its length, so no two different lists of parts hash the same bytes.
            var bytes = Encoding.UTF8.GetBytes(part);
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Whether <paramref name="text"/> has a key's form (a file name the caches may use).</summary>
    public static bool IsKey(string text) => text.Length == 64 && text.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
}
