package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.port.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File modes, and permission errors from a real operating system. Root ignores file modes, so when
 * the tests run as root the probing JVM is started through {@code setpriv} without the
 * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH capabilities: it then meets the modes like any user.
 */
class PermissionsTest {
    private static final AccountId ACCOUNT = AccountId.of("acme");

    @TempDir
    Path temp;

    @Test
    void createsTheDirectoryOwnerOnlyAndEveryFileOwnerOnly() throws Exception {
        Path directory = temp.resolve("nested/store");
        FileTokenStore store = FileTokenStore.builder().directory(directory).build();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("1"));
        store.compareAndSet(ACCOUNT, 1, CasHammer.counter("2"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("acme.json"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve(".acme.lock"))))
                .isEqualTo("rw-------");
        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("acme.json", ".acme.lock");
        }
    }

    @Test
    void keepsTheModesOfAnExistingDirectory() throws Exception {
        Path directory = Files.createDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));

        FileTokenStore.builder().directory(directory).build().compareAndSet(ACCOUNT, TokenStore.ABSENT,
                CasHammer.counter("1"));

        // an operator may open the directory to a reader group on purpose; the store only warns
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("acme.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void reportsAnUnreadableDocumentAsPermissionDeniedNamingIt() throws Exception {
        Path directory = storeWithOneAccount();
        Path file = directory.resolve("acme.json");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));

        assertThat(probe("read", directory)).startsWith("StoreFailure PERMISSION_DENIED").contains(file.toString());
        assertThat(probe("cas", directory)).startsWith("StoreFailure PERMISSION_DENIED").contains(file.toString());
    }

    @Test
    void reportsAReadOnlyDirectoryAsPermissionDeniedAndKeepsTheDocument() throws Exception {
        Path directory = storeWithOneAccount();
        byte[] before = Files.readAllBytes(directory.resolve("acme.json"));
        Files.writeString(directory.resolve(".acme.json.tmp"), "left by a crash");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-x------"));

        // a reader that cannot write still starts and reads; the leftover waits for a writer
        assertThat(probe("read", directory)).isEqualTo("OK");
        assertThat(probe("cas", directory)).startsWith("StoreFailure PERMISSION_DENIED")
                .contains(directory.resolve(".acme.json.tmp").toString());

        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.readAllBytes(directory.resolve("acme.json"))).isEqualTo(before);
    }

    @Test
    void reportsAnInaccessibleDirectoryAsPermissionDenied() throws Exception {
        Path directory = storeWithOneAccount();
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("---------"));
        try {
            assertThat(probe("build", directory)).startsWith("StoreFailure PERMISSION_DENIED")
                    .contains(directory.toString());
        } finally {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void reportsAWriteWhoseDirectoryCannotBeFlushedAfterTheRenameAsOutcomeUnknown() throws Exception {
        Path directory = storeWithOneAccount();

        // the directory can be written but not opened: the rename lands, flushing the directory fails
        assertThat(probe("cas-in-unlistable-directory", directory)).startsWith("StoreFailure OUTCOME_UNKNOWN")
                .contains("version 2 of account acme").contains(directory.toString());

        assertThat(FileTokenStore.builder().directory(directory).build().read(ACCOUNT).orElseThrow().version())
                .isEqualTo(2);
    }

    private Path storeWithOneAccount() {
        Path directory = temp.resolve("store");
        FileTokenStore.builder().directory(directory).build()
                .compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("1"));
        return directory;
    }

    private String probe(String operation, Path directory) throws Exception {
        List<String> prefix = List.of();
        if (TestFiles.runningAsRoot()) {
            Path setpriv = Path.of("/usr/bin/setpriv");
            assumeThat(Files.isExecutable(setpriv))
                    .as("running as root without setpriv: cannot drop the right to ignore file modes")
                    .isTrue();
            prefix = List.of(setpriv.toString(), "--bounding-set", "-dac_override,-dac_read_search");
        }
        // the class path lives in the build directory; make it reachable when the directory is locked down
        String out = ChildJvm.run(ChildJvm.command(StoreProbe.class, prefix, Map.of(), operation,
                directory.toString(), ACCOUNT.name()), Files.createDirectories(temp.resolve("probe-out"))).strip();
        return out;
    }
}
