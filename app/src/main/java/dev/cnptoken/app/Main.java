package dev.cnptoken.app;

import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.observe.Logging;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/** The {@code cnp-token} command. Exit codes: see {@link ExitCode}. */
public final class Main {
    private Main() {}

    /** The JDK networking property naming the authentication schemes left out of proxy tunnels. */
    static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    public static void main(String[] args) {
        allowConfiguredProxyAuthenticationInTunnels();
        int code = run(Io.system(), args);
        // The work is done: end now rather than 0.3 s later (see QuickExit).
        QuickExit.stopHttpSelectorThreads();
        Logging.quietBeforeExit();
        System.exit(code);
    }

    /**
     * Lets the JDK {@code HttpClient} (the Feign transport's) send Basic proxy credentials in a
     * {@code CONNECT} tunnel, which its {@code net.properties} default forbids: without this an
     * {@code https} FortiCNP behind an authenticating proxy is out of reach with the default
     * transport. Only credentials the configuration names are ever sent ({@code http_proxy_user} and
     * its password), so this widens nothing an operator did not ask for. This process is cnp-token's
     * own; the JDK reads the property once, when its first client is made, so it is set first thing.
     * A value the operator gave ({@code CNP_JAVA_OPTS=-Djdk.http.auth.tunneling.disabledSchemes=Basic})
     * stands. {@link #run} (in-process callers, the library) leaves the JVM as it is.
     */
    static void allowConfiguredProxyAuthenticationInTunnels() {
        if (System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
        }
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
