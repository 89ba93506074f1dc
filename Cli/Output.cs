using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;

namespace MeshRpc.Cli;

/// <summary>How listings print: a table for people, or with <c>--json</c> the gateway's own JSON for scripts.</summary>
internal static class Output
{
    /// <summary>The <c>--json</c> option of a listing.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print JSON (the gateway's own shapes) instead of a table." };

    /// <summary>Writes <paramref name="value"/> as indented JSON.</summary>
    public static void Json<T>(T value, JsonTypeInfo<T> type)
    {
        var options = new JsonSerializerOptions(type.Options) { WriteIndented = true };
        Console.WriteLine(JsonSerializer.Serialize(value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T))));
    }

    /// <summary>A table with these columns, to fill and print with <see cref="Print"/>.</summary>
    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }

        return table;
    }

    /// <summary>Prints a table, or says there is nothing to list.</summary>
    public static void Print(Table table, string whenEmpty)
    {
        if (table.Rows.Count == 0)
        {
            Console.WriteLine(whenEmpty);
            return;
        }

        Write(table);
    }

    /// <summary>Prints a table or grid; into a file or a pipe, rows stay whole (no terminal width to fit, and a cut id is useless).</summary>
    public static void Write(Spectre.Console.Rendering.IRenderable renderable)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 400;
        }

        AnsiConsole.Write(renderable);
    }

    /// <summary>How long ago, for people: 42s, 7m, 3h, 2d.</summary>
    public static string Age(DateTimeOffset since)
    {
        var age = DateTimeOffset.UtcNow - since;
        return age.TotalSeconds < 90 ? $"{Math.Max(0, (int)age.TotalSeconds)}s"
            : age.TotalMinutes < 90 ? $"{(int)age.TotalMinutes}m"
            : age.TotalHours < 36 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }

    /// <summary>Text as a table cell: Spectre reads square brackets as markup, which a label or id may hold.</summary>
    public static string Cell(string? text) => Markup.Escape(text ?? "-");
}
