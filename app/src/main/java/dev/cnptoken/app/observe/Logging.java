package dev.cnptoken.app.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.cnptoken.app.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up logback programmatically: human-readable lines or JSON lines, always on standard error,
 * so standard output carries only a command's result (a token, a status document).
 */
public final class Logging {
    private Logging() {}

    public static void configure(AppConfig.LogFormat format, boolean verbose) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        Encoder<ILoggingEvent> encoder;
        if (format == AppConfig.LogFormat.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            json.setWithSequenceNumber(false);
            json.setWithContext(false);
            json.setWithThrowable(false);
            json.setContext(context);
            json.start();
            encoder = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{20} - %msg%n");
            text.setContext(context);
            text.start();
            encoder = text;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.setContext(context);
        console.setName("stderr");
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        // --verbose is about cnp-token's own decisions; libraries (and the JDK) stay at WARN either way.
        root.setLevel(Level.WARN);
        for (String own : new String[] {"cnp-token", "dev.cnptoken"}) {
            context.getLogger(own).setLevel(verbose ? Level.DEBUG : Level.INFO);
        }
    }
}
