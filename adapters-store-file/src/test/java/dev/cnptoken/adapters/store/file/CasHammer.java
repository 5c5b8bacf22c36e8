package dev.cnptoken.adapters.store.file;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Run in a second JVM by {@link CrossProcessCompareAndSetTest}: repeatedly reads a counter from an
 * account's state and compare-and-sets it one higher, printing {@code WIN <counter>:<label>:<i>} for
 * every write it won, once a line on standard input says go. Arguments: directory, account, attempts,
 * label, key variable or "-".
 */
public final class CasHammer {
    private CasHammer() {}

    public static void main(String[] args) {
        Path directory = Path.of(args[0]);
        AccountId account = AccountId.of(args[1]);
        int attempts = Integer.parseInt(args[2]);
        String label = args[3];
        FileTokenStore.Builder builder = FileTokenStore.builder().directory(directory);
        if (!"-".equals(args[4])) {
            builder.encryptionKeyFromEnvironment(args[4]);
        }
        FileTokenStore store = builder.build();
        System.out.println("READY");
        System.out.flush();
        // start together with the parent's threads: without it one side can be done before the other starts
        try {
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        hammer(store, account, attempts, label, line -> {
            System.out.println(line);
        });
        System.out.println("DONE");
    }

    static void hammer(FileTokenStore store, AccountId account, int attempts, String label,
            java.util.function.Consumer<String> wins) {
        for (int i = 0; i < attempts; i++) {
            VersionedState seen = store.read(account).orElseThrow();
            long n = Long.parseLong(seen.state().accessToken().value().split(":")[0]);
            String next = (n + 1) + ":" + label + ":" + i;
            if (store.compareAndSet(account, seen.version(), counter(next)).written()) {
                wins.accept("WIN " + next);
            }
        }
    }

    static TokenState counter(String value) {
        Instant t = Instant.ofEpochMilli(1_772_360_130_123L);
        return new TokenState(new AccessToken(value), "bearer", t, new RefreshToken("r-" + value), t, t,
                Optional.empty(), Optional.empty(), Optional.empty());
    }
}
