package dev.cnptoken.benchmarks.file;

import dev.cnptoken.adapters.store.file.FileTokenStore;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One read + compare-and-set round trip through {@link FileTokenStore} (plain and encrypted, fsync
 * on and off), beside the raw JDK doing the least that stores the same document: {@code
 * Files.readString} + {@code Files.writeString} (no atomicity, no durability), and the same plus a
 * temp file, fsync, atomic rename and directory fsync (what the store does, minus JSON, locking and
 * crypto). All in one temporary directory, in the same run.
 *
 * <p>Run: {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar FileTokenStoreBenchmark -p parent=,/dev/shm}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FileTokenStoreBenchmark {
    private static final AccountId ACCOUNT = AccountId.of("bench");

    /**
     * Where the temporary directory goes: empty for {@code java.io.tmpdir} (the disk), or e.g. {@code
     * /dev/shm} (memory) to measure the store's own work without the disk.
     */
    @Param({""})
    public String parent;

    private Path root;
    private FileTokenStore plainFsync;
    private FileTokenStore plainNoFsync;
    private FileTokenStore encryptedFsync;
    private FileTokenStore encryptedNoFsync;
    private Path rawFile;
    private Path rawDirectory;
    private String rawDocument;
    private TokenState state;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        root = parent.isEmpty()
                ? Files.createTempDirectory("cnp-token-file-bench")
                : Files.createTempDirectory(Path.of(parent), "cnp-token-file-bench");
        Instant now = Instant.parse("2026-03-01T10:15:30.123Z");
        // realistic sizes: FortiCNP tokens are JWT-like strings of a few hundred characters
        state = new TokenState(new AccessToken("a".repeat(600)), "bearer", now.plusSeconds(3600),
                new RefreshToken("r".repeat(600)), now, now, Optional.of(new ApiCredential("c".repeat(36))),
                Optional.empty(), Optional.empty());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = root.resolve("key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));

        plainFsync = seeded(FileTokenStore.builder().directory(root.resolve("plain-fsync")).build());
        plainNoFsync = seeded(FileTokenStore.builder().directory(root.resolve("plain")).fsync(false).build());
        encryptedFsync = seeded(FileTokenStore.builder().directory(root.resolve("enc-fsync"))
                .encryptionKeyFile(keyFile).build());
        encryptedNoFsync = seeded(FileTokenStore.builder().directory(root.resolve("enc")).fsync(false)
                .encryptionKeyFile(keyFile).build());

        rawDirectory = Files.createDirectory(root.resolve("raw"));
        rawFile = rawDirectory.resolve("bench.json");
        rawDocument = Files.readString(root.resolve("plain/bench.json"));
        Files.writeString(rawFile, rawDocument);
    }

    private FileTokenStore seeded(FileTokenStore store) {
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, state);
        return store;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private long roundTrip(FileTokenStore store) {
        VersionedState seen = store.read(ACCOUNT).orElseThrow();
        CasResult result = store.compareAndSet(ACCOUNT, seen.version(), state);
        if (!result.written()) {
            throw new IllegalStateException("lost a compare-and-set with no competitor");
        }
        return ((CasResult.Written) result).state().version();
    }

    @Benchmark
    public long storePlainFsync() {
        return roundTrip(plainFsync);
    }

    @Benchmark
    public long storePlainNoFsync() {
        return roundTrip(plainNoFsync);
    }

    @Benchmark
    public long storeEncryptedFsync() {
        return roundTrip(encryptedFsync);
    }

    @Benchmark
    public long storeEncryptedNoFsync() {
        return roundTrip(encryptedNoFsync);
    }

    /** The bare minimum: read the document, write it back in place. */
    @Benchmark
    public int rawReadWriteString() throws IOException {
        String read = Files.readString(rawFile);
        Files.writeString(rawFile, rawDocument);
        return read.length();
    }

    /** The raw JDK with the store's durability: temp file, fsync, atomic rename, directory fsync. */
    @Benchmark
    public int rawAtomicFsync() throws IOException {
        String read = Files.readString(rawFile);
        Path temp = rawDirectory.resolve(".bench.json.tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(rawDocument.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, rawFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(rawDirectory, StandardOpenOption.READ)) {
            directory.force(true);
        }
        return read.length();
    }
}
