package dev.cnptoken.app;

import dev.cnptoken.app.job.ExitCode;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/** The {@code cnp-token} command. Exit codes: see {@link ExitCode}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = run(Io.system(), args);
        // The work is done: end now rather than 0.3 s later (see QuickExit).
        QuickExit.stopHttpSelectorThreads();
        System.exit(code);
    }

    /** Runs one command line with the given surroundings and returns its exit code. */
    public static int run(Io io, String... args) {
        CnpTokenCommand root = new CnpTokenCommand(io);
        CommandLine cli = new CommandLine(root);
        // before the settings below: picocli applies them to the sub-commands registered so far
        for (Class<?> sub : CnpTokenCommand.subcommandsFor(args)) {
            cli.addSubcommand(sub);
        }
        cli.setOut(new PrintWriter(io.out(), true));
        cli.setErr(new PrintWriter(io.err(), true));
        cli.setExitCodeExceptionMapper(e -> ExitCode.USAGE.code());
        cli.setParameterExceptionHandler((ex, ignored) -> {
            io.err().println("cnp-token: " + ex.getMessage());
            io.err().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.USAGE.code();
        });
        cli.setExecutionStrategy(parseResult -> {
            List<CommandLine> chain = parseResult.asCommandLineList();
            root.startLogging(chain.get(chain.size() - 1).getCommand() instanceof LongRunning);
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setExecutionExceptionHandler(new ExecutionErrors(io));
        return cli.execute(args);
    }
}
