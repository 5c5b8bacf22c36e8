package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.testkit.Sentinels;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cnp-token} as a real child process: {@code java -cp <this JVM's class path>
 * dev.cnptoken.app.Main ...} with an explicit environment (nothing inherited), a working directory
 * of the test's choosing, standard input fed then closed, and standard output and error captured
 * in files while it runs. (Files, not pipes: a thread reading a child's pipe can lose the last
 * output when the child exits, which is exactly the output a shutdown test looks at.) {@link
 * #close()} kills it if it still runs.
 */
final class ChildCli implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path outFile;
    private final Path errFile;

    private ChildCli(String name, Process process, Path outFile, Path errFile) {
        this.name = name;
        this.process = process;
        this.outFile = outFile;
        this.errFile = errFile;
    }

    /**
     * Starts {@code cnp-token args...} in {@code workDir} with exactly {@code env} (plus {@code HOME}
     * set to {@code workDir}, so no user configuration is found), feeding {@code stdin} and closing it.
     */
    static ChildCli start(Path workDir, Map<String, String> env, String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Short-lived JVMs on a busy machine: start fast rather than peak.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().put("HOME", workDir.toString());
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().putAll(env);
        try {
            Path logs = Files.createDirectories(workDir.resolve("child-output"));
            Path outFile = Files.createTempFile(logs, args.length > 0 ? args[0] + "-" : "cli-", ".out");
            Path errFile = outFile.resolveSibling(outFile.getFileName().toString().replace(".out", ".err"));
            pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
            Process p = pb.start();
            ChildCli child = new ChildCli(String.join(" ", args), p, outFile, errFile);
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the child exited before reading its input; its exit status tells why
            }
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This JVM's class path with every entry made absolute, as the child runs in another directory. */
    private static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** Waits for the exit (failing the test after {@code timeout}) and returns the exit status. */
    int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("'" + name + "' still running after " + timeout + "; stderr:\n" + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Runs to the end and checks the exit status, with both streams in the failure message. */
    ChildCli expectExit(int status, Duration timeout) {
        int actual = waitFor(timeout);
        assertThat(actual).as("exit status of '%s'%nstdout:%n%s%nstderr:%n%s", name, stdout(), stderr()).isEqualTo(status);
        return this;
    }

    /** Waits until standard error holds a match of {@code pattern}; empty if the process ended or time ran out. */
    Optional<Matcher> awaitStderr(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(stderr());
            if (m.find()) {
                return Optional.of(m);
            }
            if (!process.isAlive()) {
                Matcher last = pattern.matcher(stderr());
                return last.find() ? Optional.of(last) : Optional.empty();
            }
            pause(50);
        }
        return Optional.empty();
    }

    /** Sends SIGTERM (what {@code Process.destroy()} does on Unix). */
    void terminate() {
        process.destroy();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(outFile);
    }

    String stderr() {
        return read(errFile);
    }

    private static String read(Path file) {
        try {
            // lenient decoding: a line being written may end in half a character
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Fails if {@code text} holds any of the secrets, or a recognisable slice of one. */
    static void assertNoSecret(String what, String text, Collection<String> secrets) {
        for (String secret : secrets) {
            for (String needle : Sentinels.needles(secret)) {
                assertThat(text.contains(needle)).as("%s holds (part of) a secret of length %d", what, secret.length()).isFalse();
            }
        }
    }
}
