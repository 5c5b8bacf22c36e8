package dev.cnptoken.app.observe;

import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a logged exception as its class names on the log line itself ({@code exception=A
 * caused_by=B,C}), neither its stack trace nor its messages: a library's message may hold anything,
 * a request body included. Being a throwable-handling converter, it also keeps logback from
 * appending the stack trace.
 */
final class ExceptionClassesConverter extends ThrowableHandlingConverter {
    /** The conversion word in a pattern: {@code %exceptionClasses}. */
    static final String WORD = "exceptionClasses";

    /** Deeper cause chains than this are cut (a cycle would otherwise never end). */
    private static final int MAX_CAUSES = 8;

    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown == null) {
            return "";
        }
        List<String> causes = new ArrayList<>();
        for (IThrowableProxy c = thrown.getCause(); c != null && causes.size() < MAX_CAUSES; c = c.getCause()) {
            causes.add(c.getClassName());
        }
        return " exception=" + thrown.getClassName() + (causes.isEmpty() ? "" : " caused_by=" + String.join(",", causes));
    }
}
