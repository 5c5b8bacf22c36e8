package dev.cnptoken.app;

import dev.cnptoken.app.job.ExitCode;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Prints the shell completion script that picocli generates from the command tree. */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Prints a bash or zsh completion script for cnp-token.",
    "",
    "The script completes commands and options. zsh gets the same script as bash: it runs "
        + "under zsh's bash completion emulation, bashcompinit, which the script loads itself (and compinit "
        + "first, when it is not loaded yet)."
}, footerHeading = "%nExamples:%n", footer = {
    "  source <(cnp-token completion bash)      in ~/.bashrc",
    "  source <(cnp-token completion zsh)       in ~/.zshrc; the same as:",
    "      autoload -U +X compinit && compinit",
    "      autoload -U +X bashcompinit && bashcompinit",
    "      source <(cnp-token completion bash)"
})
final class CompletionCommand implements Callable<Integer> {
    /** The shells a script is printed for. */
    enum Shell {
        bash,
        zsh
    }

    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash | zsh")
    Shell shell;

    @Override
    public Integer call() {
        // Both shells get the bash script: picocli's script sets up bashcompinit when run by zsh.
        root.io.out().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        root.io.out().flush();
        return ExitCode.OK.code();
    }
}
