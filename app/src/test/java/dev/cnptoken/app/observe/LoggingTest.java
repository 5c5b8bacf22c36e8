package dev.cnptoken.app.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.app.config.AppConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** What reaches standard error at each verbosity, and that one event stays one line. */
class LoggingTest {
    private static final Logger OWN = LoggerFactory.getLogger("dev.cnptoken.adapters.store.redis.RedisTokenStore");
    /** Jedis warns with the whole exception when a pooled connection fails validation, e.g. after a Redis restart. */
    private static final Logger LIBRARY = LoggerFactory.getLogger("redis.clients.jedis.ConnectionFactory");
    private static final String VALIDATION_FAILED = "Error while validating pooled Connection object.";
    private static final String LIBRARY_MESSAGE = "Unexpected end of stream; password=sentinel-not-to-be-logged";

    @Test
    void aLibraryExceptionIsOneLineNamingItsClassesButNotItsMessageOrTrace() {
        String err = logged(AppConfig.LogFormat.TEXT, Logging.Verbosity.QUIET, () ->
                LIBRARY.warn(VALIDATION_FAILED, connectionLost()));

        assertThat(err.lines().toList()).hasSize(1);
        assertThat(err).contains("WARN ").contains(VALIDATION_FAILED)
                .contains(" exception=redis.clients.jedis.exceptions.JedisConnectionException caused_by=java.net.SocketException")
                .doesNotContain("sentinel-not-to-be-logged").doesNotContain("\tat ");
    }

    @Test
    void verboseShowsTheStackTrace() {
        String err = logged(AppConfig.LogFormat.TEXT, Logging.Verbosity.DEBUG, () ->
                LIBRARY.warn(VALIDATION_FAILED, connectionLost()));

        assertThat(err).contains(VALIDATION_FAILED).contains("\tat ").contains("Caused by: java.net.SocketException");
    }

    @Test
    void jsonLinesHoldNoStackTrace() {
        String err = logged(AppConfig.LogFormat.JSON, Logging.Verbosity.QUIET, () ->
                LIBRARY.warn(VALIDATION_FAILED, connectionLost()));

        assertThat(err.lines().toList()).hasSize(1);
        assertThat(err).startsWith("{").doesNotContain("sentinel-not-to-be-logged").doesNotContain("\tat ");
    }

    @Test
    void quietSaysOnlyWarningsEventsAddInfoAndDebugAddsCnpTokensDebugLines() {
        Runnable lines = () -> {
            OWN.debug("own debug");
            OWN.info("own info");
            OWN.warn("own warning");
            LIBRARY.info("library info");
            LIBRARY.debug("library debug");
        };

        String quiet = logged(AppConfig.LogFormat.TEXT, Logging.Verbosity.QUIET, lines);
        String events = logged(AppConfig.LogFormat.TEXT, Logging.Verbosity.EVENTS, lines);
        String debug = logged(AppConfig.LogFormat.TEXT, Logging.Verbosity.DEBUG, lines);

        assertThat(quiet).contains("own warning").doesNotContain("own info").doesNotContain("own debug");
        assertThat(events).contains("own warning").contains("own info").doesNotContain("own debug");
        assertThat(debug).contains("own warning").contains("own info").contains("own debug");
        assertThat(quiet + events + debug).doesNotContain("library");
    }

    private static JedisConnectionException connectionLost() {
        return new JedisConnectionException(LIBRARY_MESSAGE, new SocketException("Connection reset"));
    }

    /** What {@code body} logs on standard error with logging set up as given. */
    private static String logged(AppConfig.LogFormat format, Logging.Verbosity verbosity, Runnable body) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream realErr = System.err;
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Logging.configure(format, verbosity);
            body.run();
        } finally {
            System.setErr(realErr);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
