package dev.cnptoken.adapters.store.file;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Run in a second JVM by {@link PermissionsTest} (with fewer privileges than the test JVM): does one
 * store operation and prints {@code OK} or {@code <failure class> <reason> <message>}. Arguments:
 * operation (build, read, cas, cas-in-unlistable-directory, accounts), directory, account.
 */
public final class StoreProbe {
    private StoreProbe() {}

    public static void main(String[] args) throws IOException {
        try {
            FileTokenStore store = FileTokenStore.builder().directory(Path.of(args[1])).fsync(true).build();
            AccountId account = AccountId.of(args[2]);
            switch (args[0]) {
                case "build" -> { }
                case "read" -> store.read(account);
                case "cas" -> store.compareAndSet(account, 1, CasHammer.counter("probe"));
                case "cas-in-unlistable-directory" -> {
                    // write and search, no read: files can be created and renamed, the directory not opened
                    Path directory = Path.of(args[1]);
                    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("-wx------"));
                    try {
                        store.compareAndSet(account, 1, CasHammer.counter("probe"));
                    } finally {
                        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
                    }
                }
                case "accounts" -> store.accounts();
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.out.println("OK");
        } catch (TokenException e) {
            String reason = e.failure() instanceof Failure.StoreFailure sf ? sf.reason().name() : "-";
            System.out.println(e.failure().getClass().getSimpleName() + " " + reason + " " + e.getMessage());
        }
    }
}
