package dev.cnptoken.app;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The process surroundings a command uses, passed in so that tests run the CLI in-process.
 *
 * @param out standard output: only a command's result (a token, a report)
 * @param err standard error: messages for a human
 * @param in standard input (the credential for {@code login --credential-stdin})
 * @param env the environment
 */
public record Io(PrintStream out, PrintStream err, InputStream in, Map<String, String> env) {
    /** The real process's streams and environment. */
    public static Io system() {
        return new Io(System.out, System.err, System.in, System.getenv());
    }
}
