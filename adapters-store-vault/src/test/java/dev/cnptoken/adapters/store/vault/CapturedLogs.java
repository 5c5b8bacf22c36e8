package dev.cnptoken.adapters.store.vault;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/** Every log line written while open, through SLF4J (logback) and java.util.logging (the driver's). */
final class CapturedLogs implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<String> jul = Collections.synchronizedList(new ArrayList<>());
    private final Handler julHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            jul.add(new java.util.logging.SimpleFormatter().format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    CapturedLogs() {
        appender.start();
        root().addAppender(appender);
        java.util.logging.Logger.getLogger("").addHandler(julHandler);
    }

    /** Each line with its exception chain's class names and messages. */
    List<String> lines() {
        List<String> out = new ArrayList<>(jul);
        for (ILoggingEvent e : List.copyOf(appender.list)) {
            StringBuilder b = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            out.add(b.toString());
        }
        return out;
    }

    @Override
    public void close() {
        root().detachAppender(appender);
        java.util.logging.Logger.getLogger("").removeHandler(julHandler);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
