package dev.cnptoken.app;

import dev.cnptoken.domain.engine.Sleeper;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * The process surroundings a command uses, passed in so that tests run the CLI in-process.
 *
 * @param out standard output: only a command's result (a token, a report)
 * @param err standard error: messages for a human
 * @param in standard input (the credential for {@code login --credential-stdin})
 * @param env the environment
 * @param clock wall-clock time for the engine
 * @param sleeper how {@code rotate} and {@code token} wait before retrying within a run (tests pass
 *     one that steps their clock)
 */
public record Io(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, Clock clock, Sleeper sleeper) {
    public Io {
        Objects.requireNonNull(out, "out == null");
        Objects.requireNonNull(err, "err == null");
        Objects.requireNonNull(in, "in == null");
        Objects.requireNonNull(env, "env == null");
        Objects.requireNonNull(clock, "clock == null");
        Objects.requireNonNull(sleeper, "sleeper == null");
    }

    /** With {@code clock} and real sleeps. */
    public Io(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, Clock clock) {
        this(out, err, in, env, clock, Sleeper.SYSTEM);
    }

    /** With the system clock. */
    public Io(PrintStream out, PrintStream err, InputStream in, Map<String, String> env) {
        this(out, err, in, env, Clock.systemUTC());
    }

    /** The real process's streams and environment. */
    public static Io system() {
        return new Io(System.out, System.err, System.in, System.getenv());
    }
}
