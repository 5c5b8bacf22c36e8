package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code ./cnp-token} running the runnable jar that {@code package} made: its
 * class-data-sharing archives (one per command, and per store and transport when the command line or
 * the environment names them), their silent fallback, and its switches. Run by failsafe after
 * {@code package}, which passes the script's and the jar's paths.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherIT {
    private static final Path LAUNCHER = Path.of(System.getProperty("cnp.launcher", "../cnp-token")).toAbsolutePath();
    private static final Path JAR = Path.of(System.getProperty("cnp.jar", "target/missing.jar")).toAbsolutePath();
    private static final String VERSION_LINE = "cnp-token \\S+ \\(commit \\S+\\)\n";

    @TempDir
    Path home;
    private Path archives;
    private Path files;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void setUp() throws IOException {
        assertThat(JAR).as("the runnable jar (run through failsafe, after package)").isRegularFile();
        archives = home.resolve("cds");
        files = Files.createDirectory(home.resolve("files"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private Run launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("CNP_"));
        e.put("HOME", home.toString());
        e.put("CNP_JAR", JAR.toString());
        e.put("CNP_CDS_DIR", archives.toString());
        e.putAll(env);
        Path out = home.resolve("out.txt");
        Path err = home.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("%s ended", command).isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private List<String> archiveNames() throws IOException {
        if (!Files.isDirectory(archives)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(archives)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theFirstRunWritesTheCommandsArchiveAndTheNextRunsMapIt() throws Exception {
        Run first = launch(Map.of(), "--version");

        assertThat(first.exit()).isZero();
        assertThat(first.out()).matches(VERSION_LINE);
        assertThat(first.err()).isEmpty();
        assertThat(archiveNames()).singleElement().asString().matches("cli-jdk\\d+-\\d+\\.jsa");

        // -Xshare:on (the caller's options come last and win) makes an archive that cannot be mapped fatal
        Run mapped = launch(Map.of("CNP_JAVA_OPTS", "-Xshare:on"), "--version");

        assertThat(mapped.exit()).as(mapped.err()).isZero();
        assertThat(mapped.out()).isEqualTo(first.out());
        assertThat(archiveNames()).hasSize(1);
    }

    @Test
    void aStoreOrTransportNamedInTheEnvironmentOrOnTheCommandLineGetsItsOwnArchive() throws Exception {
        Map<String, String> fileStore = Map.of("CNP_STORE", "file", "CNP_FILE_DIR", files.toString());
        Run viaEnv = launch(fileStore, "token", "--account", "acme");
        Run viaFlags = launch(Map.of("CNP_FILE_DIR", files.toString()), "--store=file", "--transport", "retrofit",
                "token", "--account", "acme");
        Run plain = run(List.of("java", "-jar", JAR.toString(), "token", "--account", "acme"), fileStore);

        // nothing stored and no credential: "not configured", whoever starts the JVM
        assertThat(plain.exit()).isEqualTo(3);
        assertThat(viaEnv.exit()).isEqualTo(3);
        assertThat(viaFlags.exit()).isEqualTo(3);
        assertThat(viaEnv.out()).isEqualTo(plain.out()).isEmpty();
        assertThat(archiveNames()).hasSize(2).anyMatch(n -> n.matches("token-file-jdk\\d+-\\d+\\.jsa"))
                .anyMatch(n -> n.matches("token-file-retrofit-jdk\\d+-\\d+\\.jsa"));
    }

    @Test
    void aDamagedArchiveIsSkippedSilently() throws Exception {
        assertThat(launch(Map.of(), "--version").exit()).isZero();
        Path archive = archives.resolve(archiveNames().get(0));
        archive.toFile().setWritable(true);
        Files.writeString(archive, "not an archive");

        Run run = launch(Map.of(), "--version");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).as("no JVM warning on standard output, where `token` prints the token").matches(VERSION_LINE);
        assertThat(run.err()).isEmpty();
        assertThat(launch(Map.of("CNP_JAVA_OPTS", "-Xshare:on"), "--version").exit())
                .as("the damaged archive is really not mapped").isNotZero();
    }

    @Test
    void cdsOffAndLauncherFlagsOffWriteNoArchive() throws Exception {
        Run noArchive = launch(Map.of("CNP_CDS", "off"), "--version");
        Run plainJava = launch(Map.of("CNP_LAUNCHER_FLAGS", "off"), "--version");

        assertThat(noArchive.exit()).isZero();
        assertThat(plainJava.exit()).isZero();
        assertThat(noArchive.out()).matches(VERSION_LINE).isEqualTo(plainJava.out());
        assertThat(archiveNames()).isEmpty();
    }
}
