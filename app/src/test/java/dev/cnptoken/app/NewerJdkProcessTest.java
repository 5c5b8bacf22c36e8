package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code cnp-token} process on a JDK of release 21 or later, where {@code Runtime.exit} logs a
 * DEBUG line and a stack trace through {@code System.Logger}: nothing of it may reach standard
 * output, where {@code token} prints the token, whatever path the command line takes. Runs when such
 * a JDK is found ({@code CNP_TEST_NEWER_JAVA}, else the newest under {@code /usr/lib/jvm}); skipped
 * otherwise.
 */
class NewerJdkProcessTest {
    private static Path java;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findANewerJdk() throws IOException {
        Optional<Path> found = Optional.ofNullable(System.getenv("CNP_TEST_NEWER_JAVA")).map(Path::of);
        if (found.isEmpty() && Files.isDirectory(Path.of("/usr/lib/jvm"))) {
            try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
                found = homes.filter(h -> feature(h) >= 21).max((a, b) -> Integer.compare(feature(a), feature(b)))
                        .map(h -> h.resolve("bin").resolve("java"));
            }
        }
        Assumptions.assumeTrue(found.filter(Files::isExecutable).isPresent(), "no JDK 21 or later found");
        java = found.get();
    }

    /** The feature release of the JDK at {@code home}, from its {@code release} file; 0 when unknown. */
    private static int feature(Path home) {
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "token --acount acme", "help rotate", "--version", "rotate --help", "token --account acme"})
    void printsNoExitLoggingOnStandardOutput(String commandLine) throws Exception {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", classPath(), Main.class.getName()));
        command.addAll(Arrays.asList(commandLine.split(" ")));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CNP_"));
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("CNP_STORE", "memory");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8);
        String err = Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8);

        assertThat(out).as("stdout of '%s' (exit %d)", commandLine, p.exitValue())
                .doesNotContain("DEBUG", "Runtime.exit", "java.lang.Throwable");
        assertThat(err).doesNotContain("Runtime.exit", "java.lang.Throwable");
    }

    private static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
