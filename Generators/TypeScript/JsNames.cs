using System.Collections.Generic;
using System.Text;

namespace MeshRpc.Generators.TypeScript;

/// <summary>JavaScript spellings of C# names: camelCase as System.Text.Json writes them, and identifiers that are never reserved words.</summary>
internal static class JsNames
{
    private static readonly HashSet<string> Reserved = new()
    {
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export",
        "extends", "false", "finally", "for", "function", "if", "implements", "import", "in", "instanceof", "interface", "let",
        "new", "null", "package", "private", "protected", "public", "return", "static", "super", "switch", "this", "throw",
        "true", "try", "typeof", "var", "void", "while", "with", "yield", "arguments", "eval", "callback", "options", "onItem", "connection",
    };

    /// <summary>System.Text.Json's camelCase policy (JsonNamingPolicy.CamelCase), so stub names equal wire names.</summary>
    public static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>
    /// A method's name in the stub's worker object, which also holds the stub's own <c>connection</c>, <c>destruct</c>
    /// and <c>extend</c>: those get a trailing '_'. Reserved words stay as they are: ES5 allows them as property names.
    /// </summary>
    public static string Member(string name) => name is "connection" or "destruct" or "extend" ? name + "_" : name;

    /// <summary>A parameter name usable in strict ES5 (and not shadowing the stub's own callback and options).</summary>
    public static string Parameter(string name)
    {
        var plain = name.TrimStart('@');
        return Reserved.Contains(plain) ? plain + "_" : plain;
    }

    /// <summary>Anything that is not an identifier character becomes '_': "Describe(int)" gives "Describe_int_".</summary>
    public static string Identifier(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '_' || c == '$' ? c : '_');
        }

        return builder.ToString().TrimEnd('_');
    }

    /// <summary>A JavaScript string literal.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ' || c == '\u2028' || c == '\u2029')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
