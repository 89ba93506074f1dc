using System.Linq;
using System.Security.Cryptography;
using System.Text;
using MeshRpc.Generators.Model;

namespace MeshRpc.Generators;

/// <summary>
/// Hashes a contract's wire shape: its name, and each method's wire name, argument types and result type.
/// C# names that never reach the wire (parameter names, cancellation tokens, Task vs ValueTask) do not change it.
/// </summary>
internal static class ContractHasher
{
    public static string Hash(string contractName, EquatableArray<MethodModel> methods)
    {
        var canonical = new StringBuilder();
        canonical.Append("meshrpc-contract/1\n").Append(contractName).Append('\n');
        foreach (var method in methods.OrderBy(m => m.WireName, System.StringComparer.Ordinal))
        {
            canonical.Append(method.WireName).Append('(');
            canonical.Append(string.Join(",", method.Parameters.Where(p => !p.IsCancellationToken).Select(p => p.WireType)));
            canonical.Append(")->").Append(method.WireResultType ?? "void").Append('\n');
        }

        using var sha = SHA256.Create();
        var digest = sha.ComputeHash(Encoding.UTF8.GetBytes(canonical.ToString()));
        var hex = new StringBuilder(32);
        for (var i = 0; i < 16; i++)
        {
            hex.Append(digest[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }
}
