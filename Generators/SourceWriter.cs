using System.Text;

namespace MeshRpc.Generators;

/// <summary>Writes indented source with a fixed "\n" newline, so output is identical on every OS.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private readonly bool _braceOnSameLine;
    private int _indent;

    /// <param name="braceOnSameLine">JavaScript style: "return {" must stay on one line, or automatic semicolon insertion returns undefined.</param>
    public SourceWriter(bool braceOnSameLine = false) => _braceOnSameLine = braceOnSameLine;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    public SourceWriter Open(string line)
    {
        if (_braceOnSameLine)
        {
            Line(line + " {");
        }
        else
        {
            Line(line);
            Line("{");
        }

        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => _text.ToString();
}
