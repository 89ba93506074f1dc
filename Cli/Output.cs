using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;

namespace MeshRpc.Cli;

/// <summary>How listings print: a table for people, or with <c>--json</c> the gateway's own JSON for scripts.</summary>
internal static class Output
{
    // Progress goes to standard error, so that what a verb prints on standard output (JSON, a key) stays whole for the
    // script that reads it, and only to a terminal: in a log or a pipe, a spinner's steps are noise.
    private static readonly IAnsiConsole ProgressConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs <paramref name="work"/> under a spinner saying <paramref name="what"/>; the work may say what it does next.</summary>
    public static Task<T> ProgressAsync<T>(string what, Func<Action<string>, Task<T>> work) =>
        Console.IsErrorRedirected ? work(static _ => { }) : ProgressConsole.Status().StartAsync(what, context => work(next => context.Status(next)));

    /// <summary>Runs <paramref name="work"/> under a spinner saying <paramref name="what"/>.</summary>
    public static Task ProgressAsync(string what, Func<Task> work) => ProgressAsync(what, async _ =>
    {
        await work();
        return true;
    });

    /// <summary>Runs <paramref name="work"/> under a spinner saying <paramref name="what"/>.</summary>
    public static Task<T> ProgressAsync<T>(string what, Func<Task<T>> work) => ProgressAsync(what, _ => work());

    /// <summary>The <c>--json</c> option of a listing.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print JSON (the gateway's own shapes) instead of a table." };

    /// <summary>Writes <paramref name="value"/> as indented JSON.</summary>
    public static void Json<T>(T value, JsonTypeInfo<T> type)
    {
        var options = new JsonSerializerOptions(type.Options) { WriteIndented = true };
        Console.WriteLine(JsonSerializer.Serialize(value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T))));
    }

    /// <summary>Writes <paramref name="value"/> as JSON on one line, for a reader that takes a line at a time.</summary>
    public static void JsonLine<T>(T value, JsonTypeInfo<T> type) => Console.WriteLine(JsonSerializer.Serialize(value, type));

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
