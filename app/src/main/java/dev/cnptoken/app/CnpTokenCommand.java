package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigSources;
import dev.cnptoken.app.config.Key;
import dev.cnptoken.app.observe.Logging;
import dev.cnptoken.app.wiring.AppRuntime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: the global options every sub-command inherits, and the list of commands. */
@Command(
        name = "cnp-token",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Keeps FortiCNP OAuth 2.0 bearer tokens fresh and stores them where other software reads them.",
        footer = {
            "",
            "Run 'cnp-token help COMMAND' (or 'cnp-token COMMAND --help') for its options and an example.",
            "",
            "Exit codes: 0 all fresh, 1 internal error (a bug), 2 usage, 3 bad configuration, 4 some failed "
                + "transiently, 5 rejected (a human must renew the credential), 6 store unreachable or refused, 7 the API answered an error (api).",
            "",
            "Configuration: --config FILE, else CNP_CONFIG, else ./cnp-token.yaml, ~/.config/cnp-token/config.yaml, "
                + "/etc/cnp-token/config.yaml; CNP_* environment variables override the file, flags override both.",
            "",
            "Logs go to standard error and stay quiet unless something is wrong; the daemon (run) also logs each "
                + "event. --verbose adds cnp-token's debug lines and stack traces."
        })
final class CnpTokenCommand implements Runnable {
    /**
     * The sub-commands, in the order the usage lists them. {@link Main} registers only the one a
     * command line names (all of them when it names none, or an unknown one): picocli reflects over
     * every command it is given, a cost each short run would otherwise pay eight times.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            DemoCommand.class, LoginCommand.class, RotateCommand.class, RunCommand.class, TokenCommand.class, ApiCommand.class,
            StatusCommand.class, DoctorCommand.class, SimulateCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class);

    /** The sub-commands that describe the others, so they are registered with all of them. */
    private static final Set<Class<?>> NEEDS_THE_TREE = Set.of(CompletionCommand.class, CommandLine.HelpCommand.class);

    /** Global options that take a value (the next argument, unless written {@code --name=value}). */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--config", "--base-url", "--transport", "--store", "--log-format");

    final Io io;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE", description = "configuration file (YAML or .properties)")
    String configFile;

    @Option(names = "--base-url", scope = ScopeType.INHERIT, paramLabel = "URL", description = "FortiCNP base URL, or global | eu")
    String baseUrl;

    @Option(names = "--transport", scope = ScopeType.INHERIT, description = "feign | retrofit")
    String transport;

    @Option(names = "--store", scope = ScopeType.INHERIT, description = "file | redis | vault | memory")
    String store;

    @Option(names = "--log-format", scope = ScopeType.INHERIT, description = "text | json")
    String logFormat;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "also cnp-token's debug lines, and stack traces in text logs")
    boolean verbose;

    /** Whether the command about to run runs until stopped; set by {@link #startLogging}. */
    private boolean longRunning;

    CnpTokenCommand(Io io) {
        this.io = io;
    }

    @Override
    public void run() {
        CommandLine cli = new CommandLine(this);
        for (Class<?> c : SUBCOMMANDS) {
            cli.addSubcommand(c);
        }
        cli.usage(io.out());
    }

    /** Reads and validates the configuration, and sets up logging from it. */
    AppConfig config() {
        Map<Key, String> flags = new EnumMap<>(Key.class);
        put(flags, Key.CONFIG, configFile);
        put(flags, Key.BASE_URL, baseUrl);
        put(flags, Key.TRANSPORT, transport);
        put(flags, Key.STORE, store);
        put(flags, Key.LOG_FORMAT, logFormat);
        AppConfig config = AppConfig.from(ConfigSources.load(io.env(), flags, AppConfig.defaultSearchPath(io.env())));
        Logging.configure(config.logFormat(), verbosity());
        return config;
    }

    /**
     * Sets up logging for the command about to run from what is known before the configuration is
     * read (the flags and the environment), so that configuration errors are reported in the chosen
     * format; {@link #config()} sets it up again from the configuration.
     */
    void startLogging(boolean longRunning) {
        this.longRunning = longRunning;
        String format = logFormat != null ? logFormat : io.env().get(Key.LOG_FORMAT.envName());
        Logging.configure("json".equalsIgnoreCase(format) ? AppConfig.LogFormat.JSON : AppConfig.LogFormat.TEXT, verbosity());
    }

    private Logging.Verbosity verbosity() {
        if (verbose) {
            return Logging.Verbosity.DEBUG;
        }
        return longRunning ? Logging.Verbosity.EVENTS : Logging.Verbosity.QUIET;
    }

    /** The runtime for the configuration; the transport is built at once. */
    AppRuntime runtime(AppConfig config) {
        return AppRuntime.create(config, io.clock());
    }

    /**
     * The runtime for a command that mostly serves what the store holds ({@code token}, {@code
     * status}): the transport is built only if a FortiCNP call is made.
     */
    AppRuntime storeFirstRuntime(AppConfig config) {
        return AppRuntime.create(config, io.clock(), AppRuntime.TransportStart.ON_FIRST_CALL);
    }

    /**
     * The sub-commands to register for a command line: the one it names, or all of them when it
     * names none that exists (so usage, suggestions and errors see them all).
     */
    static List<Class<?>> subcommandsFor(String... args) {
        String named = null;
        for (int i = 0; i < args.length && named == null; i++) {
            String a = args[i];
            if (OPTIONS_WITH_VALUE.contains(a)) {
                i++;
            } else if (a.equals("--")) {
                break;
            } else if (!a.startsWith("-")) {
                named = a;
            }
        }
        for (Class<?> c : SUBCOMMANDS) {
            // 'help COMMAND' and 'completion' describe the other commands: they come with all of them
            if (!NEEDS_THE_TREE.contains(c) && c.getAnnotation(Command.class).name().equals(named)) {
                return List.of(c);
            }
        }
        return SUBCOMMANDS;
    }

    private static void put(Map<Key, String> flags, Key key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
