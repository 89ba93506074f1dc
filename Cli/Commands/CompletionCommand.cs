using System.CommandLine;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core completion bash|zsh</c>: prints the shell code that completes verbs, options and their values by
/// asking the tool itself (System.CommandLine's <c>[suggest]</c> directive), so completion never falls behind the verbs.
/// </summary>
internal static class CompletionCommand
{
    // The shell hands the whole line and the cursor's place to the tool, and filters what it suggests by the word typed.
    private const string Bash = """
        # x-hauki-core completion: eval "$(x-hauki-core completion bash)" (e.g. in ~/.bashrc)
        _x_hauki_core_complete() {
          local IFS=$'\n'
          COMPREPLY=($(compgen -W "$(x-hauki-core "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _x_hauki_core_complete x-hauki-core
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "The shell: bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Prints shell completion code: eval \"$(x-hauki-core completion bash)\" in ~/.bashrc, or zsh in ~/.zshrc.") { shell };
        command.Examples("x-hauki-core completion bash >> ~/.bashrc", "eval \"$(x-hauki-core completion zsh)\"");
        command.SetAction(parsed =>
        {
            // zsh runs the bash function through its bash compatibility.
            Console.WriteLine(parsed.GetValue(shell) == "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" + Bash : Bash);
            return ExitCodes.Ok;
        });
        return command;
    }
}
