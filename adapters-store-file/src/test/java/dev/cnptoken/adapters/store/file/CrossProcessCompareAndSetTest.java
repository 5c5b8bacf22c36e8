package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.port.TokenStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two job processes on one host: a second JVM and this one hammer the same account with
 * read-then-compare-and-set; every win must move the counter by exactly one.
 */
class CrossProcessCompareAndSetTest {
    private static final int ATTEMPTS = 1000;
    private static final String KEY_VARIABLE = "CNP_TOKEN_TEST_FILE_KEY";

    @TempDir
    Path temp;

    @Test
    void letsOnlyOneProcessWinEachVersionOfAPlainFile() throws Exception {
        hammerFromTwoProcesses(null);
    }

    @Test
    void letsOnlyOneProcessWinEachVersionOfAnEncryptedFile() throws Exception {
        hammerFromTwoProcesses(TestFiles.newKeyBase64());
    }

    private static void awaitGo(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void hammerFromTwoProcesses(String key) throws Exception {
        Path directory = temp.resolve("store");
        AccountId account = AccountId.of("shared");
        FileTokenStore.Builder builder = FileTokenStore.builder().directory(directory);
        if (key != null) {
            builder.encryptionKeyFile(TestFiles.writeKeyFile(temp.resolve("key"), key));
        }
        FileTokenStore store = builder.build();
        store.compareAndSet(account, TokenStore.ABSENT, CasHammer.counter("0:seed:0"));

        ProcessBuilder child = ChildJvm.command(CasHammer.class, List.of(),
                key == null ? Map.of() : Map.of(KEY_VARIABLE, key),
                directory.toString(), account.name(), String.valueOf(ATTEMPTS), "child",
                key == null ? "-" : KEY_VARIABLE);
        Path err = temp.resolve("child.err");
        Process process = child.redirectError(err.toFile()).start();
        List<String> wins = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> childDone;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("child start (stderr: %s)", err).isEqualTo("READY");
            childDone = CompletableFuture.runAsync(() -> {
                try {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.startsWith("WIN ")) {
                            wins.add(line.substring(4));
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // this JVM: two threads, so the in-JVM lock and the file lock are both exercised; all three
            // hammers start together (the child at the line on its standard input)
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> local = new ArrayList<>();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            for (String label : List.of("parent-a", "parent-b")) {
                local.add(CompletableFuture.runAsync(() -> {
                    awaitGo(go);
                    CasHammer.hammer(store, account, ATTEMPTS, label, line -> wins.add(line.substring(4)));
                }, threads));
            }
            process.getOutputStream().write("GO\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            go.countDown();
            try {
                for (CompletableFuture<Void> f : local) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
            childDone.get(1, TimeUnit.MINUTES);
        }
        assertThat(process.exitValue()).as("child exit, stderr:\n%s", Files.readString(err)).isZero();

        String last = store.read(account).orElseThrow().state().accessToken().value();
        long counter = Long.parseLong(last.split(":")[0]);
        Set<Long> steps = new HashSet<>();
        for (String w : wins) {
            steps.add(Long.parseLong(w.split(":")[0]));
        }
        assertThat(wins).doesNotHaveDuplicates().contains(last);
        assertThat(steps).as("no two wins from the same version").hasSize(wins.size());
        assertThat(counter).as("no lost update").isEqualTo(wins.size());
        assertThat(store.read(account).orElseThrow().version()).isEqualTo(wins.size() + 1L);

        // the processes really raced: both won, and the child lost at least one compare-and-set, which
        // only a write by this JVM between the child's read and its write can cause (the file lock is
        // not fair, so who wins comes in long runs; counting hand-overs of the winner was flaky)
        long childWins = wins.stream().filter(w -> w.contains(":child:")).count();
        assertThat(childWins).as("the child's wins").isPositive().isLessThan(wins.size()).isLessThan(ATTEMPTS);
    }
}
