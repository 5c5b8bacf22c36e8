package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.engine.Sleeper;
import dev.cnptoken.simulator.SteppingClock;
import dev.cnptoken.testkit.Sentinels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs the CLI in-process with a given environment and clock, capturing standard output and
 * standard error, including the log lines (which logback writes to {@code System.err}).
 */
final class CliRunner {
    /** One run's exit code and output. */
    record Result(int exit, String out, String err) {
        /** Asserts that no secret, or a recognisable part of one, appears in {@code text}. */
        static void assertNoSecret(String text, Collection<String> secrets) {
            for (String secret : secrets) {
                for (String needle : Sentinels.needles(secret)) {
                    assertThat(text).as("output must not contain a secret").doesNotContain(needle);
                }
            }
        }
    }

    private final Map<String, String> env = new HashMap<>();
    private Clock clock = Clock.systemUTC();
    /** Every wait the CLI asked for, in order; with a stepping clock each one steps it instead of sleeping. */
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    CliRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    CliRunner clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    Result run(String... args) {
        return runWithInput("", args);
    }

    synchronized Result runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream realErr = System.err;
        PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8);
        System.setErr(capturedErr);
        int exit;
        try {
            Map<String, String> environment = new HashMap<>(env);
            environment.putIfAbsent("HOME", System.getProperty("java.io.tmpdir"));
            exit = Main.run(new Io(new PrintStream(out, true, StandardCharsets.UTF_8), capturedErr,
                    new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), environment, clock, this::sleep), args);
        } finally {
            System.setErr(realErr);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The waits the CLI asked for so far. */
    List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    private void sleep(Duration d) throws InterruptedException {
        sleeps.add(d);
        if (clock instanceof SteppingClock stepping) {
            stepping.advance(d);
        } else {
            Sleeper.SYSTEM.sleep(d);
        }
    }

    static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }
}
