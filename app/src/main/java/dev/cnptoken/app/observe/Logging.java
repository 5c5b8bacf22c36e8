package dev.cnptoken.app.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.cnptoken.app.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up logback programmatically: human-readable lines or JSON lines, always on standard error,
 * so standard output carries only a command's result (a token, a status document).
 *
 * <p>One event is one line: a text line names an exception's classes ({@code
 * exception=redis.clients.jedis.exceptions.JedisConnectionException caused_by=java.net.SocketException})
 * and prints its stack trace only at {@link Verbosity#DEBUG}; a JSON line never holds a stack trace.
 */
public final class Logging {
    private static final String TIME_LEVEL_LOGGER = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{20} - %msg";

    /**
     * How much cnp-token's own loggers say. Libraries (and the JDK) say only warnings and errors,
     * whatever the verbosity: --verbose is about cnp-token's decisions.
     */
    public enum Verbosity {
        /** Warnings and errors only: a one-shot command that succeeds prints nothing on standard error. */
        QUIET(Level.WARN),
        /** Also each event (refreshed, logged in, daemon started): for a command that runs until stopped. */
        EVENTS(Level.INFO),
        /** Also cnp-token's debug lines, and the stack trace of an exception in a text log (--verbose). */
        DEBUG(Level.DEBUG);

        private final Level own;

        Verbosity(Level own) {
            this.own = own;
        }
    }

    /** Whether {@link #configure} ran in this JVM: until then logback has its default set-up. */
    private static volatile boolean configured;

    private Logging() {}

    /**
     * Quiet logging for a process that ends without having configured any (a usage error, {@code
     * help}), on JDK 21 and later only: there {@code Runtime.exit} logs a DEBUG line with a stack
     * trace through {@code System.Logger}, which reaches logback, whose default set-up prints DEBUG
     * on standard output, where {@code token} prints the token. JDK 17 logs nothing at exit, so it
     * is spared logback's start-up.
     */
    public static void quietBeforeExit() {
        if (!configured && Runtime.version().feature() >= 21) {
            configure(AppConfig.LogFormat.TEXT, Verbosity.QUIET);
        }
    }

    /** As {@link #configure(AppConfig.LogFormat, Verbosity)}: {@code verbose} is DEBUG, else QUIET. */
    public static void configure(AppConfig.LogFormat format, boolean verbose) {
        configure(format, verbose ? Verbosity.DEBUG : Verbosity.QUIET);
    }

    /** Replaces the whole logback set-up with one appender on standard error in {@code format}. */
    public static void configure(AppConfig.LogFormat format, Verbosity verbosity) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        configured = true;
        Encoder<ILoggingEvent> encoder = format == AppConfig.LogFormat.JSON ? json(context) : text(context, verbosity);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.setContext(context);
        console.setName("stderr");
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        root.setLevel(Level.WARN);
        for (String own : new String[] {"cnp-token", "dev.cnptoken"}) {
            context.getLogger(own).setLevel(verbosity.own);
        }
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder json = new JsonEncoder();
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.setWithMessage(false);
        json.setWithSequenceNumber(false);
        json.setWithContext(false);
        json.setWithThrowable(false);
        json.setContext(context);
        json.start();
        return json;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context, Verbosity verbosity) {
        PatternLayout layout = new PatternLayout();
        layout.getInstanceConverterMap().put(ExceptionClassesConverter.WORD, ExceptionClassesConverter::new);
        // %ex after the line: the whole trace; the converter instead: the classes, on the same line.
        layout.setPattern(TIME_LEVEL_LOGGER + (verbosity == Verbosity.DEBUG ? "%n%ex" : "%" + ExceptionClassesConverter.WORD + "%n"));
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> text = new LayoutWrappingEncoder<>();
        text.setLayout(layout);
        text.setContext(context);
        text.start();
        return text;
    }
}
