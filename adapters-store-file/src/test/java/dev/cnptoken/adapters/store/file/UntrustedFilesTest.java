package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.port.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store trusts nothing others can write: a directory writable by group or others, files owned by
 * another user or writable by others, and symbolic links planted at its file names are refused.
 * Files "of another user" are made by chown-ing them to uid 65534 (the tests run as root here).
 */
class UntrustedFilesTest {
    private static final AccountId ACCOUNT = AccountId.of("acme");

    @TempDir
    Path temp;

    @RegisterExtension
    final StoreLogs logs = new StoreLogs();

    private Path directory(String mode) throws Exception {
        Path dir = Files.createDirectory(temp.resolve("store"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir;
    }

    private static int anotherUid(Path someFileOfMine) throws Exception {
        org.assertj.core.api.Assumptions.assumeThat(TestFiles.runningAsRoot())
                .as("only root can give a file to another user").isTrue();
        int me = (Integer) Files.getAttribute(someFileOfMine, "unix:uid");
        return me == 65534 ? 65533 : 65534;
    }

    private static void assertRefused(Executable call, String... mentions) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOfSatisfying(Failure.StoreFailure.class,
                    f -> assertThat(f.reason()).isIn(Failure.StoreFailure.Reason.MISCONFIGURED,
                            Failure.StoreFailure.Reason.PERMISSION_DENIED));
            assertThat(e.getMessage()).contains(mentions);
        });
    }

    @Test
    void refusesAStoreDirectoryEveryoneCanWriteNamingItsModeAndTheFix() throws Exception {
        Path dir = directory("rwxrwxrwx");

        assertRefused(() -> FileTokenStore.builder().directory(dir).build(), dir.toString(), "0777", "chmod 700");
    }

    @Test
    void refusesAStoreDirectoryTheGroupCanWrite() throws Exception {
        Path dir = directory("rwxrwx---");

        assertRefused(() -> FileTokenStore.builder().directory(dir).build(), dir.toString(), "0770", "chmod 700");
    }

    @Test
    void refusesATokenFilePlantedByAnotherUserAndLeavesItAsItIs() throws Exception {
        Path dir = directory("rwx------");
        FileTokenStore store = FileTokenStore.builder().directory(dir).build();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("planted"));
        Path file = dir.resolve("acme.json");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setAttribute(file, "unix:uid", anotherUid(file));
        byte[] before = Files.readAllBytes(file);

        assertRefused(() -> store.read(ACCOUNT), file.toString(), "owned by");
        assertRefused(() -> store.compareAndSet(ACCOUNT, 1, CasHammer.counter("mine")), file.toString());
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void refusesATokenFileOthersCanWrite() throws Exception {
        Path dir = directory("rwx------");
        FileTokenStore store = FileTokenStore.builder().directory(dir).build();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("1"));
        Path file = dir.resolve("acme.json");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        assertRefused(() -> store.read(ACCOUNT), file.toString(), "0666", "chmod 600");
    }

    @Test
    void warnsAboutATokenFileOthersCanReadAndStillReadsIt() throws Exception {
        Path dir = directory("rwx------");
        FileTokenStore store = FileTokenStore.builder().directory(dir).build();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("1"));
        Path file = dir.resolve("acme.json");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(store.read(ACCOUNT)).isPresent();
        assertThat(logs.messages()).anyMatch(l -> l.startsWith("WARNING") && l.contains(file.toString()) && l.contains("0644"));
    }

    @Test
    void neverFollowsASymbolicLinkAtTheLockFileNorCreatesItsTarget() throws Exception {
        Path dir = directory("rwx------");
        FileTokenStore store = FileTokenStore.builder().directory(dir).build();
        Path outside = temp.resolve("outside-the-store");
        Path lock = Files.createSymbolicLink(dir.resolve(".acme.lock"), outside);

        assertRefused(() -> store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("1")), lock.toString());
        assertThat(outside).doesNotExist();
        assertThat(dir.resolve("acme.json")).doesNotExist();
    }

    @Test
    void refusesALockFileOwnedByAnotherUser() throws Exception {
        Path dir = directory("rwx------");
        FileTokenStore store = FileTokenStore.builder().directory(dir).build();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("1"));
        Path lock = dir.resolve(".acme.lock");
        Files.setAttribute(lock, "unix:uid", anotherUid(lock));

        assertRefused(() -> store.compareAndSet(ACCOUNT, 1, CasHammer.counter("2")), lock.toString(), "owned by");
        assertThat(store.read(ACCOUNT).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void neverFollowsASymbolicLinkAtTheTokenFile() throws Exception {
        Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"));
        FileTokenStore other = FileTokenStore.builder().directory(elsewhere).build();
        other.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("someone else's"));
        Path dir = directory("rwx------");
        FileTokenStore store = FileTokenStore.builder().directory(dir).build();
        Path link = Files.createSymbolicLink(dir.resolve("acme.json"), elsewhere.resolve("acme.json"));

        assertRefused(() -> store.read(ACCOUNT), link.toString(), "symbolic link");
        assertRefused(() -> store.compareAndSet(ACCOUNT, 1, CasHammer.counter("2")), link.toString());
        assertThat(other.read(ACCOUNT).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void skipsAFileNamedAfterNoValidAccountLoggingTheNameEscaped() throws Exception {
        Path dir = directory("rwx------");
        FileTokenStore store = FileTokenStore.builder().directory(dir).build();
        store.compareAndSet(ACCOUNT, TokenStore.ABSENT, CasHammer.counter("1"));
        Files.writeString(dir.resolve("x\n2026-01-01 INFO forged.json"), "{}");

        assertThat(store.accounts()).containsExactly(ACCOUNT);
        assertThat(logs.messages()).noneMatch(l -> l.contains("x\n2026"))
                .anyMatch(l -> l.contains("x\\n2026-01-01 INFO forged.json"));
    }
}
