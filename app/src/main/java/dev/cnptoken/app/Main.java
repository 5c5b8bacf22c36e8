package dev.cnptoken.app;

import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.domain.TokenException;
import org.slf4j.LoggerFactory;
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
        cli.setOut(new java.io.PrintWriter(io.out(), true));
        cli.setErr(new java.io.PrintWriter(io.err(), true));
        cli.setExitCodeExceptionMapper(e -> ExitCode.USAGE.code());
        cli.setParameterExceptionHandler((ex, args2) -> {
            io.err().println("cnp-token: " + ex.getMessage());
            io.err().println("Try 'cnp-token " + commandPath(ex.getCommandLine()) + " --help'.");
            return ExitCode.USAGE.code();
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException c) {
                io.err().println("cnp-token: configuration: " + c.getMessage());
                return ExitCode.CONFIG.code();
            }
            if (ex instanceof TokenException t) {
                io.err().println("cnp-token: " + t.failure().describe());
                return ExitCode.of(t.failure()).code();
            }
            // A foreign exception's message may hold anything: print its type only, the trace at debug level.
            LoggerFactory.getLogger("cnp-token").debug("internal error", ex);
            io.err().println("cnp-token: internal error (" + ex.getClass().getName() + "); run with --verbose for details");
            return ExitCode.INTERNAL.code();
        });
        return cli.execute(args);
    }

    private static String commandPath(CommandLine cl) {
        String name = cl.getCommandName();
        return cl.getParent() == null ? "" : name;
    }
}
