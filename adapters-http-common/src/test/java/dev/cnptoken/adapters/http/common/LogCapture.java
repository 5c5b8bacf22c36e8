package dev.cnptoken.adapters.http.common;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Keeps every log line of this JVM, rendered with its throwable, for leak checks. */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
    private static final LogCapture INSTANCE = new LogCapture();
    private final List<String> lines = new ArrayList<>();

    static {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        INSTANCE.setContext(ctx);
        INSTANCE.setName("leak-capture");
        INSTANCE.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(INSTANCE);
    }

    private LogCapture() {}

    /** Every line logged since the capture was installed (on first use of this class). */
    public static List<String> lines() {
        synchronized (INSTANCE.lines) {
            return List.copyOf(INSTANCE.lines);
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        String line = event.getLoggerName() + " " + event.getLevel() + " " + event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        synchronized (lines) {
            lines.add(line);
        }
    }
}
