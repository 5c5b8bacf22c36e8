package dev.cnptoken.adapters.store.file;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every record the file store logs (through {@code System.Logger}, so java.util.logging here) during
 * one test, at all levels. Register with {@code @RegisterExtension}.
 */
final class StoreLogs implements BeforeEachCallback, AfterEachCallback {
    private static final Logger JUL = Logger.getLogger(FileTokenStore.class.getName());

    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level previousLevel;

    @Override
    public void beforeEach(ExtensionContext context) {
        previousLevel = JUL.getLevel();
        JUL.setLevel(Level.ALL);
        JUL.addHandler(capture);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        JUL.removeHandler(capture);
        JUL.setLevel(previousLevel);
    }

    /** Each record as {@code LEVEL message}, e.g. {@code WARNING reader file ... is mode 0644}. */
    List<String> messages() {
        SimpleFormatter formatter = new SimpleFormatter();
        synchronized (records) {
            return records.stream().map(r -> r.getLevel() + " " + formatter.formatMessage(r)).toList();
        }
    }

    /** Each record whole, as {@link SimpleFormatter} writes it (time, source, level, message, stack trace). */
    List<String> formatted() {
        SimpleFormatter formatter = new SimpleFormatter();
        synchronized (records) {
            return records.stream().map(formatter::format).toList();
        }
    }
}
