package dev.cnptoken.adapters.store.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import dev.cnptoken.testkit.vault.VaultEmulator;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What the Vault store does beyond the contract: auth, policies, layout, failures, secrecy. */
class VaultTokenStoreBehaviourTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

    private VaultEmulator vault;
    private String prefix;
    private PlainHttp root;

    @BeforeEach
    void startVault() {
        vault = VaultEmulator.start();
        prefix = "cnp-token-" + UUID.randomUUID().toString().substring(0, 8);
        Policies.installWriter(vault, "secret", prefix);
        Policies.installReader(vault, "secret", prefix);
        root = new PlainHttp(vault.address(), vault.rootToken());
    }

    @AfterEach
    void stopVault() {
        vault.close();
    }

    private VaultTokenStore.Builder storeWith(String token) {
        return VaultTokenStore.builder().address(vault.address()).token(token).prefix(prefix);
    }

    private VaultTokenStore writerStore() {
        return storeWith(vault.createToken(Duration.ofHours(1), Policies.WRITER)).build();
    }

    private static TokenState fullState() {
        return new TokenState(Sentinels.accessToken(), "bearer", T0.plusSeconds(3600), Sentinels.refreshToken(),
                T0.minusSeconds(60), T0, Optional.of(Sentinels.credential()),
                Optional.of(new Lease("host-a/1234", T0.plusSeconds(30))),
                Optional.of(new FailureNote("unavailable", "unavailable, HTTP 503: refresh answered HTTP 503",
                        T0.minusSeconds(5), Optional.of(T0.plusSeconds(25)))));
    }

    private static VersionedState written(CasResult r) {
        assertThat(r).isInstanceOf(CasResult.Written.class);
        return ((CasResult.Written) r).state();
    }

    private static void assertStoreFailure(Executable call, Reason reason, String... mentions) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.failure()).isInstanceOfSatisfying(Failure.StoreFailure.class,
                    f -> assertThat(f.reason()).isEqualTo(reason));
            assertThat(e.getMessage()).contains(mentions);
            assertNoDriverException(e);
        });
    }

    /** No exception of the Vault driver crosses the port, not even as a cause. */
    private static void assertNoDriverException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(t.getClass().getName()).doesNotStartWith("io.github.jopenlibs");
        }
    }

    // ------------------------------------------------------------------ layout

    @Test
    void storesTheDocumentedLayoutThatAPlainHttpClientReads() {
        TokenStore store = writerStore();
        AccountId account = AccountId.of("prod-eu");
        TokenState state = fullState();
        VersionedState v = written(store.compareAndSet(account, TokenStore.ABSENT, state));

        PlainHttp reader = new PlainHttp(vault.address(), vault.createToken(Duration.ofHours(1), Policies.READER));
        PlainHttp.Answer access = reader.get("secret/data/" + prefix + "/prod-eu/access");
        assertThat(access.status()).isEqualTo(200);
        assertThat(access.secret()).containsOnlyKeys("access_token", "token_type", "expires_at", "state_version");
        assertThat(access.secret().get("access_token")).isEqualTo(state.accessToken().value());
        assertThat(access.secret().get("token_type")).isEqualTo("bearer");
        assertThat(access.secret().get("expires_at")).isEqualTo(BigDecimal.valueOf(state.accessExpiresAt().toEpochMilli()));
        assertThat(access.secret().get("state_version")).isEqualTo(BigDecimal.valueOf(v.version()));

        PlainHttp.Answer refresh = root.get("secret/data/" + prefix + "/prod-eu/refresh");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("schema_version", BigDecimal.ONE);
        expected.put("access_token", state.accessToken().value());
        expected.put("token_type", "bearer");
        expected.put("expires_at", BigDecimal.valueOf(T0.plusSeconds(3600).toEpochMilli()));
        expected.put("refresh_token", state.refreshToken().value());
        expected.put("refresh_issued_at", BigDecimal.valueOf(T0.minusSeconds(60).toEpochMilli()));
        expected.put("updated_at", BigDecimal.valueOf(T0.toEpochMilli()));
        expected.put("credential", state.credential().orElseThrow().value());
        expected.put("lease_owner", "host-a/1234");
        expected.put("lease_until", BigDecimal.valueOf(T0.plusSeconds(30).toEpochMilli()));
        expected.put("last_failure_kind", "unavailable");
        expected.put("last_failure_detail", "unavailable, HTTP 503: refresh answered HTTP 503");
        expected.put("last_failure_at", BigDecimal.valueOf(T0.minusSeconds(5).toEpochMilli()));
        expected.put("last_failure_next_attempt_at", BigDecimal.valueOf(T0.plusSeconds(25).toEpochMilli()));
        assertThat(refresh.secret()).isEqualTo(expected);
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) refresh.data().get("metadata");
        assertThat(metadata.get("version")).isEqualTo(BigDecimal.valueOf(v.version()));
    }

    @Test
    void updatesTheAccessCopyAfterEveryAcceptedWrite() {
        TokenStore store = writerStore();
        AccountId account = AccountId.of("a1");
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        TokenState next = new TokenState(new AccessToken("second-token"), "bearer", T0.plusSeconds(7200),
                first.state().refreshToken(), first.state().refreshIssuedAt(), T0.plusSeconds(3500), Optional.empty(),
                Optional.empty(), Optional.empty());
        VersionedState second = written(store.compareAndSet(account, first.version(), next));

        Map<String, Object> access = root.get("secret/data/" + prefix + "/a1/access").secret();
        assertThat(access.get("access_token")).isEqualTo("second-token");
        assertThat(access.get("state_version")).isEqualTo(BigDecimal.valueOf(second.version()));

        // a lost race leaves both secrets alone
        assertThat(store.compareAndSet(account, first.version(), fullState())).isInstanceOf(CasResult.Conflict.class);
        assertThat(root.get("secret/data/" + prefix + "/a1/access").secret().get("access_token")).isEqualTo("second-token");
    }

    @Test
    void keepsTheAccessCopyCurrentWhenTwoProcessesTakeTurns() {
        String token = vault.createToken(Duration.ofHours(1), Policies.WRITER);
        TokenStore a = storeWith(token).build();
        TokenStore b = storeWith(token).build(); // another process: its own memory
        AccountId account = AccountId.of("shared");
        written(a.compareAndSet(account, TokenStore.ABSENT, fullState()));
        for (int i = 0; i < 6; i++) {
            TokenStore writer = i % 2 == 0 ? b : a;
            VersionedState seen = writer.read(account).orElseThrow();
            TokenState next = fullState();
            VersionedState v = written(writer.compareAndSet(account, seen.version(), next));

            Map<String, Object> access = root.get("secret/data/" + prefix + "/shared/access").secret();
            assertThat(access.get("access_token")).isEqualTo(next.accessToken().value());
            assertThat(access.get("state_version")).isEqualTo(BigDecimal.valueOf(v.version()));
        }
        // an operator removes the access copy for good: the next new token brings it back
        assertThat(root.delete("secret/metadata/" + prefix + "/shared/access").status()).isEqualTo(204);
        TokenState next = fullState();
        written(a.compareAndSet(account, a.read(account).orElseThrow().version(), next));
        assertThat(root.get("secret/data/" + prefix + "/shared/access").secret().get("access_token"))
                .isEqualTo(next.accessToken().value());
    }

    @Test
    void leavesTheAccessCopyOfTheLastWriteAfterConcurrentWritersFromTwoProcesses() throws Exception {
        String token = vault.createToken(Duration.ofHours(1), Policies.WRITER);
        List<TokenStore> processes = List.of(storeWith(token).build(), storeWith(token).build());
        AccountId account = AccountId.of("contended");
        written(processes.get(0).compareAndSet(account, TokenStore.ABSENT, fullState()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try (CapturedLogs logs = new CapturedLogs()) {
            List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                TokenStore store = processes.get(t % 2);
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        VersionedState seen = store.read(account).orElseThrow();
                        store.compareAndSet(account, seen.version(), fullState());
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : runs) {
                f.get(2, java.util.concurrent.TimeUnit.MINUTES);
            }
            VersionedState last = processes.get(0).read(account).orElseThrow();
            Map<String, Object> access = root.get("secret/data/" + prefix + "/contended/access").secret();
            long copied = ((BigDecimal) access.get("state_version")).longValueExact();
            // the copy always carries the token of the state it names
            Map<String, Object> source = root.get("secret/data/" + prefix + "/contended/refresh?version=" + copied).secret();
            assertThat(access.get("access_token")).isEqualTo(source.get("access_token"));
            if (copied != last.version()) {
                assertThat(logs.lines()).as("a stale copy is only left with a warning")
                        .anyMatch(l -> l.startsWith("WARN") && l.contains("written as version " + last.version()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void needsNoExtraReadOfTheAccessCopyWhileThisProcessIsTheOnlyWriter() {
        TokenStore store = writerStore();
        AccountId account = AccountId.of("solo");
        VersionedState v = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        String access = "/v1/secret/data/" + prefix + "/solo/access";
        String refresh = "/v1/secret/data/" + prefix + "/solo/refresh";

        int before = vault.requests().size();
        VersionedState next = written(store.compareAndSet(account, v.version(), fullState())); // new token
        assertThat(vault.requests().subList(before, vault.requests().size()))
                .containsExactly("POST " + refresh, "POST " + access);

        before = vault.requests().size();
        written(store.compareAndSet(account, next.version(), next.state().withoutLease())); // same token
        assertThat(vault.requests().subList(before, vault.requests().size())).containsExactly("POST " + refresh);
        assertThat(root.get("secret/data/" + prefix + "/solo/access").secret().get("access_token"))
                .isEqualTo(next.state().accessToken().value());
    }

    @Test
    void readsAFailureNoteWrittenBeforeItCarriedTheNextAttemptTime() {
        Map<String, Object> older = new LinkedHashMap<>();
        older.put("schema_version", 1);
        older.put("access_token", "older");
        older.put("token_type", "bearer");
        older.put("expires_at", T0.plusSeconds(3600).toEpochMilli());
        older.put("refresh_token", "refresh-older");
        older.put("refresh_issued_at", T0.toEpochMilli());
        older.put("updated_at", T0.toEpochMilli());
        older.put("last_failure_kind", "unavailable");
        older.put("last_failure_detail", "unavailable, HTTP 503: down");
        older.put("last_failure_at", T0.plusSeconds(5).toEpochMilli());
        assertThat(root.post("secret/data/" + prefix + "/old/refresh", Map.of("data", older)).status()).isEqualTo(200);

        TokenState read = writerStore().read(AccountId.of("old")).orElseThrow().state();

        assertThat(read.lastFailure()).contains(new FailureNote("unavailable", "unavailable, HTTP 503: down",
                T0.plusSeconds(5), Optional.empty()));
    }

    @Test
    void neverLetsAnOlderWriteReplaceANewerAccessCopy() {
        TokenStore store = writerStore();
        AccountId account = AccountId.of("a1");
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        // a copy from a later state (as left by a faster writer) is already in place
        Map<String, Object> newer = new LinkedHashMap<>();
        newer.put("access_token", "from-a-newer-state");
        newer.put("token_type", "bearer");
        newer.put("expires_at", T0.plusSeconds(9000).toEpochMilli());
        newer.put("state_version", first.version() + 10);
        assertThat(root.post("secret/data/" + prefix + "/a1/access", Map.of("data", newer)).status()).isEqualTo(200);

        written(store.compareAndSet(account, first.version(), fullState()));

        assertThat(root.get("secret/data/" + prefix + "/a1/access").secret().get("access_token"))
                .isEqualTo("from-a-newer-state");
    }

    @Test
    void recreatesAnAccountWhoseSecretWasDeleted() {
        TokenStore store = writerStore();
        AccountId account = AccountId.of("gone");
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        assertThat(root.delete("secret/data/" + prefix + "/gone/refresh").status()).isEqualTo(204);

        assertThat(store.read(account)).isEmpty();
        assertThat(store.accounts()).doesNotContain(account);
        VersionedState again = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));

        assertThat(again.version()).isGreaterThan(first.version());
        assertThat(store.read(account)).contains(again);
        assertThat(store.accounts()).containsExactly(account);
    }

    @Test
    void skipsAFolderWithANewlineInItsNameLoggingItEscapedNeverRaw() {
        TokenStore store = writerStore();
        AccountId account = AccountId.of("real");
        written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        assertThat(root.post("secret/data/" + prefix + "/x%0A2026-01-01%20INFO%20forged/refresh",
                Map.of("data", Map.of("version", "1"))).status()).isIn(200, 204);
        assertThat(root.list("secret/metadata/" + prefix + "/").toString()).contains("forged");

        try (CapturedLogs logs = new CapturedLogs()) {
            assertThat(store.accounts()).containsExactly(account);

            assertThat(logs.lines()).noneMatch(line -> line.contains("x\n2026"))
                    .anyMatch(line -> line.contains("x\\n2026-01-01 INFO forged"));
        }
    }

    @Test
    void worksInAMountWithSeveralSegmentsInsideANamespace() {
        vault.close();
        vault = VaultEmulator.builder().kvMount("team/kv").namespace("team-a").start();
        vault.addPolicy("w", "team/kv/data/" + prefix + "/*", "create", "read", "update");
        vault.addPolicy("w", "team/kv/metadata/" + prefix + "/", "list");
        String token = vault.createToken("team-a", Duration.ofHours(1), Duration.ofHours(2), "w");
        TokenStore store = VaultTokenStore.builder().address(vault.address()).token(token).namespace("team-a")
                .mount("/team/kv/").prefix(prefix).build();
        AccountId account = AccountId.of("ns-account");

        VersionedState v = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));

        assertThat(store.read(account)).contains(v);
        assertThat(store.accounts()).containsExactly(account);
        String path = "team/kv/data/" + prefix + "/ns-account/access";
        assertThat(new PlainHttp(vault.address(), vault.rootToken(), "team-a").get(path).status()).isEqualTo(200);
        assertThat(new PlainHttp(vault.address(), vault.rootToken()).get(path).status())
                .as("nothing was written outside the namespace").isEqualTo(404);
    }

    @Test
    void worksOnAMountThatRequiresCheckAndSetOnEveryWrite() {
        vault.close();
        vault = VaultEmulator.builder().casRequired(true).start();
        root = new PlainHttp(vault.address(), vault.rootToken());
        assertThat(root.post("secret/data/probe", Map.of("data", Map.of("k", "v"))).status())
                .as("a write without cas is refused here").isEqualTo(400);
        TokenStore store = storeWith(vault.rootToken()).build();
        AccountId account = AccountId.of("strict");

        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        VersionedState second = written(store.compareAndSet(account, first.version(), fullState()));

        assertThat(store.read(account)).contains(second);
        assertThat(root.get("secret/data/" + prefix + "/strict/access").secret().get("state_version"))
                .isEqualTo(BigDecimal.valueOf(second.version()));
    }

    // ------------------------------------------------------------------ auth

    @Test
    void logsInWithAppRoleAndRenewsItsTokenAsTheTtlRunsOut() {
        VaultEmulator.AppRoleCredentials role = vault.addAppRole("cnp-token", Duration.ofHours(1), Duration.ofHours(3),
                Policies.WRITER);
        TokenStore store = VaultTokenStore.builder().address(vault.address()).appRole(role.roleId(), role.secretId())
                .prefix(prefix).clock(vault.clock()).build();
        AccountId account = AccountId.of("a1");
        VersionedState v = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        assertThat(logins()).isEqualTo(1);
        assertThat(renewals()).isZero();

        vault.advance(Duration.ofMinutes(30)); // 30 min left: more than a third of the lease
        assertThat(store.read(account)).contains(v);
        assertThat(renewals()).isZero();

        vault.advance(Duration.ofMinutes(15)); // 15 min left: renew
        assertThat(store.read(account)).contains(v);
        assertThat(renewals()).isEqualTo(1);
        assertThat(logins()).isEqualTo(1);

        for (int i = 0; i < 8; i++) { // past the 3 h max TTL: renewals shrink, then a new login
            vault.advance(Duration.ofMinutes(45));
            assertThat(store.read(account)).contains(v);
        }
        assertThat(renewals()).isGreaterThanOrEqualTo(2);
        assertThat(logins()).isGreaterThanOrEqualTo(2);
        assertThat(vault.requests()).noneMatch(r -> r.contains("lookup-self"));
    }

    @Test
    void logsInAgainWhenItsTokenExpiredBetweenCalls() {
        VaultEmulator.AppRoleCredentials role = vault.addAppRole("cnp-token", Duration.ofMinutes(10),
                Duration.ofHours(1), Policies.WRITER);
        TokenStore store = VaultTokenStore.builder().address(vault.address()).appRole(role.roleId(), role.secretId())
                .prefix(prefix).clock(vault.clock()).build();
        AccountId account = AccountId.of("a1");
        written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));

        vault.advance(Duration.ofHours(2));

        assertThat(store.read(account)).isPresent();
        assertThat(logins()).isEqualTo(2);
        assertThat(renewals()).isZero();
    }

    @Test
    void logsInAgainWhenVaultRevokedItsToken() {
        VaultEmulator.AppRoleCredentials role = vault.addAppRole("cnp-token", Duration.ofHours(1), Duration.ofHours(4),
                Policies.WRITER);
        TokenStore store = VaultTokenStore.builder().address(vault.address()).appRole(role.roleId(), role.secretId())
                .prefix(prefix).clock(vault.clock()).build();
        AccountId account = AccountId.of("a1");
        VersionedState v = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));

        assertThat(vault.revokeTokensOfRole("cnp-token")).isEqualTo(1);
        assertThat(store.read(account)).as("403, new login, one retry").contains(v);
        assertThat(logins()).isEqualTo(2);

        vault.advance(Duration.ofMinutes(45));
        assertThat(vault.revokeTokensOfRole("cnp-token")).isEqualTo(1);
        assertThat(store.read(account)).as("renewal refused, new login").contains(v);
        assertThat(renewals()).isEqualTo(1);
        assertThat(logins()).isEqualTo(3);
    }

    @Test
    void reportsARefusedAppRoleLoginAsPermissionDeniedWithoutTheSecretId() {
        VaultEmulator.AppRoleCredentials role = vault.addAppRole("cnp-token", Duration.ofHours(1), Duration.ofHours(2),
                Policies.WRITER);
        String wrongSecret = Sentinels.secret("secret-id");
        TokenStore store = VaultTokenStore.builder().address(vault.address()).appRole(role.roleId(), wrongSecret)
                .prefix(prefix).build();

        assertThatThrownBy(() -> store.read(AccountId.of("a1"))).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(((Failure.StoreFailure) e.failure()).reason()).isEqualTo(Reason.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("auth/approle/login").doesNotContain(wrongSecret, role.roleId());
            assertThat(e.retryable()).isFalse();
        });
    }

    // ------------------------------------------------------------------ policies and failures

    @Test
    void reportsAForbiddenWriteAsPermissionDeniedNamingThePath() {
        TokenStore readerOnly = storeWith(vault.createToken(Duration.ofHours(1), Policies.READER)).build();
        TokenState state = fullState();

        assertThatThrownBy(() -> readerOnly.compareAndSet(AccountId.of("a1"), TokenStore.ABSENT, state))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(((Failure.StoreFailure) e.failure()).reason()).isEqualTo(Reason.PERMISSION_DENIED);
                    assertThat(e.getMessage()).contains("secret/data/" + prefix + "/a1/refresh", "403");
                    assertThat(e.retryable()).isFalse();
                    assertNoSecret(e.getMessage(), state);
                });
        assertThat(root.get("secret/data/" + prefix + "/a1/refresh").status()).isEqualTo(404);
    }

    @Test
    void retriesOnceWithANewAppRoleLoginBeforeReportingPermissionDenied() {
        VaultEmulator.AppRoleCredentials role = vault.addAppRole("reader", Duration.ofHours(1), Duration.ofHours(2),
                Policies.READER);
        TokenStore store = VaultTokenStore.builder().address(vault.address()).appRole(role.roleId(), role.secretId())
                .prefix(prefix).build();

        assertStoreFailure(() -> store.read(AccountId.of("a1")), Reason.PERMISSION_DENIED,
                "secret/data/" + prefix + "/a1/refresh");
        assertThat(logins()).isEqualTo(2);
    }

    @Test
    void aReaderPolicyCanReadTheAccessSecretAndNothingElse() {
        written(writerStore().compareAndSet(AccountId.of("a1"), TokenStore.ABSENT, fullState()));
        PlainHttp reader = new PlainHttp(vault.address(), vault.createToken(Duration.ofHours(1), Policies.READER));

        assertThat(reader.get("secret/data/" + prefix + "/a1/access").status()).isEqualTo(200);
        assertThat(reader.get("secret/data/" + prefix + "/a1/refresh").status()).isEqualTo(403);
        assertThat(reader.list("secret/metadata/" + prefix + "/").status()).isEqualTo(403);
        assertThat(reader.post("secret/data/" + prefix + "/a1/access", Map.of("data", Map.of("access_token", "x")))
                .status()).isEqualTo(403);
        TokenStore asReader = storeWith(vault.createToken(Duration.ofHours(1), Policies.READER)).build();
        assertStoreFailure(() -> asReader.read(AccountId.of("a1")), Reason.PERMISSION_DENIED, "/a1/refresh");
        assertStoreFailure(asReader::accounts, Reason.PERMISSION_DENIED, "secret/metadata/" + prefix + "/");
    }

    @Test
    void keepsTheCompareAndSetWhenTheAccessCopyCannotBeWritten() {
        vault.addPolicy("refresh-only", "secret/data/" + prefix + "/+/refresh", "create", "read", "update");
        TokenStore store = storeWith(vault.createToken(Duration.ofHours(1), "refresh-only")).build();
        AccountId account = AccountId.of("a1");
        TokenState state = fullState();

        try (CapturedLogs logs = new CapturedLogs()) {
            VersionedState v = written(store.compareAndSet(account, TokenStore.ABSENT, state));

            assertThat(store.read(account)).contains(v);
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("WARN")
                    .contains("version " + v.version(), "secret/data/" + prefix + "/a1/access", "next write repairs it"));
            assertThat(root.get("secret/data/" + prefix + "/a1/access").status()).isEqualTo(404);
        }

        // once the policy allows it, the next write repairs the copy
        vault.addPolicy("refresh-only", "secret/data/" + prefix + "/+/access", "create", "read", "update");
        VersionedState latest = written(store.compareAndSet(account, store.read(account).orElseThrow().version(), state));
        assertThat(root.get("secret/data/" + prefix + "/a1/access").secret().get("state_version"))
                .isEqualTo(BigDecimal.valueOf(latest.version()));
    }

    @Test
    void reportsASealedVaultAsATransientFailureAndRecoversWhenUnsealed() {
        TokenStore store = writerStore();
        AccountId account = AccountId.of("a1");
        VersionedState v = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));

        vault.seal();
        for (Executable call : List.<Executable>of(() -> store.read(account),
                () -> store.compareAndSet(account, v.version(), fullState()), store::accounts)) {
            assertThatThrownBy(call::execute).isInstanceOfSatisfying(TokenException.class, e -> {
                assertThat(((Failure.StoreFailure) e.failure()).reason()).isEqualTo(Reason.UNAVAILABLE);
                assertThat(e.retryable()).isTrue();
                assertThat(e.getMessage()).contains("503", "sealed");
            });
        }
        vault.unseal();

        assertThat(store.read(account)).contains(v);
    }

    @Test
    void reportsUnreadableDataAsCorruptNamingThePathAndFieldButNoValue() {
        TokenStore store = writerStore();
        String hidden = Sentinels.secret("refresh");
        Map<String, Object> missing = new LinkedHashMap<>(Map.of("schema_version", 1, "access_token", "a",
                "token_type", "bearer", "expires_at", 1, "refresh_issued_at", 1, "updated_at", 1));
        Map<String, Object> wrongType = new LinkedHashMap<>(missing);
        wrongType.put("refresh_token", hidden);
        wrongType.put("expires_at", "tomorrow " + hidden);
        Map<String, Object> future = new LinkedHashMap<>(wrongType);
        future.put("expires_at", 1);
        future.put("schema_version", 2);
        Map<String, Object> badToken = new LinkedHashMap<>(future);
        badToken.put("schema_version", 1);
        badToken.put("access_token", "line\u0001break" + hidden);

        Map<String, String> cases = Map.of("missing", "field refresh_token is missing", "wrongtype",
                "field expires_at is not a number", "future", "schema_version 2", "badtoken", "field access_token is not valid");
        Map<String, Map<String, Object>> data = Map.of("missing", missing, "wrongtype", wrongType, "future", future,
                "badtoken", badToken);
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String path = "secret/data/" + prefix + "/" + c.getKey() + "/refresh";
            assertThat(root.post(path, Map.of("data", data.get(c.getKey()))).status()).isEqualTo(200);
            assertThatThrownBy(() -> store.read(AccountId.of(c.getKey()))).isInstanceOfSatisfying(TokenException.class,
                    e -> {
                        assertThat(((Failure.StoreFailure) e.failure()).reason()).isEqualTo(Reason.CORRUPT);
                        assertThat(e.getMessage()).contains(path, c.getValue()).doesNotContain(hidden);
                        assertThat(e.getCause()).isNull();
                    });
        }
    }

    @Test
    void reportsAnAnswerThatIsNotVaultsAsCorrupt() throws Exception {
        Map<String, Object> fields = VaultCodec.refreshFields(fullState());
        Map<String, String> answers = Map.of(
                "/v1/secret/data/p/html/refresh", "<html>proxy error page</html>",
                "/v1/secret/data/p/noversion/refresh", dev.cnptoken.testkit.vault.VaultJson.write(
                        Map.of("data", Map.of("data", fields, "metadata", Map.of("version", "seven")))));
        com.sun.net.httpserver.HttpServer odd = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        odd.createContext("/", ex -> {
            byte[] body = answers.getOrDefault(ex.getRequestURI().getPath(), "{}").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        odd.start();
        try {
            TokenStore store = VaultTokenStore.builder().address("http://127.0.0.1:" + odd.getAddress().getPort())
                    .token("s.test").prefix("p").build();
            assertStoreFailure(() -> store.read(AccountId.of("html")), Reason.CORRUPT,
                    "secret/data/p/html/refresh", "no data object");
            assertStoreFailure(() -> store.read(AccountId.of("noversion")), Reason.CORRUPT,
                    "secret/data/p/noversion/refresh", "no KV version");
        } finally {
            odd.stop(0);
        }
    }

    @Test
    void reportsAnUnreachableVaultAsUnavailable() {
        TokenStore store = writerStore();
        vault.stop();

        assertStoreFailure(() -> store.read(AccountId.of("a1")), Reason.UNAVAILABLE, "not reachable",
                "secret/data/" + prefix + "/a1/refresh");
        assertThatThrownBy(() -> store.accounts()).hasCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void reportsASilentServerAsATimeoutAndSaysAWriteMayHaveLanded() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                List<java.net.Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept()); // accept, read nothing, answer nothing
                    }
                } catch (java.io.IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            TokenStore store = VaultTokenStore.builder().address("http://127.0.0.1:" + silent.getLocalPort())
                    .token("s.test").prefix(prefix).requestTimeout(Duration.ofMillis(500)).build();

            assertStoreFailure(() -> store.read(AccountId.of("a1")), Reason.UNAVAILABLE, "did not answer in time");
            assertStoreFailure(() -> store.compareAndSet(AccountId.of("a1"), TokenStore.ABSENT, fullState()),
                    Reason.OUTCOME_UNKNOWN, "did not answer in time", "may or may not have taken place");
        }
    }

    @Test
    void reportsAWriteWhoseAnswerWasLostAfterVaultStoredItAsWrittenOnce() {
        TokenStore store = writerStore();
        AccountId account = AccountId.of("a1");
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        vault.dropAnswerToNextWrite("/" + prefix + "/a1/refresh", () -> {});

        VersionedState second = written(store.compareAndSet(account, first.version(), fullState().withoutLease()));

        assertThat(vault.droppedAnswer()).isTrue();
        assertThat(second.version()).isEqualTo(first.version() + 1);
        assertThat(store.read(account)).contains(second);
        assertThat(vault.count("POST /v1/secret/data/" + prefix + "/a1/refresh")).isEqualTo(2); // never resent
    }

    @Test
    void saysTheOutcomeIsUnknownWhenTheAnswerWasLostAndTheReadBackFails() {
        TokenStore store = writerStore();
        AccountId account = AccountId.of("a1");
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        vault.dropAnswerToNextWrite("/" + prefix + "/a1/refresh", vault::seal);

        assertStoreFailure(() -> store.compareAndSet(account, first.version(), fullState().withoutLease()),
                Reason.OUTCOME_UNKNOWN, "secret/data/" + prefix + "/a1/refresh");

        vault.unseal();
        assertThat(store.read(account).orElseThrow().version()).isEqualTo(first.version() + 1); // it had landed
    }

    @Test
    void tellsWhoseWriteALostAnswerWasByTheVersionAfterTheExpectedOneWhenOthersBuiltOnIt() {
        TokenStore store = writerStore();
        TokenStore other = writerStore();
        AccountId account = AccountId.of("a1");
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        vault.dropAnswerToNextWrite("/" + prefix + "/a1/refresh",
                () -> written(other.compareAndSet(account, first.version() + 1, fullState().withoutLease())));

        VersionedState mine = written(store.compareAndSet(account, first.version(),
                fullState().withCredential(Optional.empty())));

        assertThat(mine.version()).isEqualTo(first.version() + 1);
        assertThat(store.read(account).orElseThrow().version()).isEqualTo(first.version() + 2);
    }

    @Test
    void saysTheOutcomeIsUnknownWhenTheVersionAfterTheExpectedOneIsGone() {
        TokenStore store = writerStore();
        TokenStore other = writerStore();
        AccountId account = AccountId.of("a1");
        VersionedState first = written(store.compareAndSet(account, TokenStore.ABSENT, fullState()));
        long mine = first.version() + 1;
        vault.dropAnswerToNextWrite("/" + prefix + "/a1/refresh", () -> {
            written(other.compareAndSet(account, mine, fullState().withoutLease()));
            assertThat(root.post("secret/destroy/" + prefix + "/a1/refresh", Map.of("versions", List.of(mine)))
                    .status()).isEqualTo(204);
        });

        assertStoreFailure(() -> store.compareAndSet(account, first.version(), fullState().withCredential(Optional.empty())),
                Reason.OUTCOME_UNKNOWN, "secret/data/" + prefix + "/a1/refresh", "moved from " + first.version());
    }

    @Test
    void reportsAMountThatDoesNotExistAsMisconfiguredNamingIt() {
        TokenStore store = storeWith(vault.rootToken()).mount("no-such-mount").build();
        AccountId account = AccountId.of("a1");

        assertStoreFailure(() -> store.read(account), Reason.MISCONFIGURED, "HTTP 404", "mount \"no-such-mount\"");
        assertStoreFailure(() -> store.compareAndSet(account, TokenStore.ABSENT, fullState()), Reason.MISCONFIGURED,
                "HTTP 404", "mount \"no-such-mount\"");
        assertStoreFailure(store::accounts, Reason.MISCONFIGURED, "mount \"no-such-mount\"");
    }

    @Test
    void reportsSetupErrorsAsMisconfiguredAndAForbiddenRequestAsPermissionDenied() throws Exception {
        for (int status : List.of(400, 404, 405, 403)) {
            com.sun.net.httpserver.HttpServer odd = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            odd.createContext("/", ex -> {
                byte[] body = "{\"errors\":[\"1 error occurred\"]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(status, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            odd.start();
            try {
                TokenStore store = VaultTokenStore.builder().address("http://127.0.0.1:" + odd.getAddress().getPort())
                        .token("s.test").mount("kv").prefix("p").build();
                Reason expected = status == 403 ? Reason.PERMISSION_DENIED : Reason.MISCONFIGURED;
                String mentions = status == 403 ? "policies" : "mount \"kv\"";
                assertStoreFailure(() -> store.compareAndSet(AccountId.of("a1"), TokenStore.ABSENT, fullState()),
                        expected, "kv/data/p/a1/refresh", "HTTP " + status, mentions);
                if (status != 404) { // a plain 404 of a read is an absent secret
                    assertStoreFailure(() -> store.read(AccountId.of("a1")), expected, "HTTP " + status, mentions);
                }
            } finally {
                odd.stop(0);
            }
        }
    }

    @Test
    void neverPutsASecretIntoAnErrorMessageOrALogLine() {
        VaultEmulator.AppRoleCredentials role = vault.addAppRole("cnp-token", Duration.ofMinutes(30), Duration.ofHours(1),
                Policies.WRITER);
        String readerToken = vault.createToken(Duration.ofHours(1), Policies.READER);
        TokenState state = fullState();
        AccountId account = AccountId.of("leaky");
        List<String> texts = new ArrayList<>();
        try (CapturedLogs logs = new CapturedLogs()) {
            TokenStore store = VaultTokenStore.builder().address(vault.address()).appRole(role.roleId(), role.secretId())
                    .prefix(prefix).clock(vault.clock()).build();
            VersionedState v = written(store.compareAndSet(account, TokenStore.ABSENT, state));
            texts.add(store.toString());
            vault.advance(Duration.ofMinutes(25)); // renewal
            written(store.compareAndSet(account, v.version(), state));
            vault.advance(Duration.ofHours(2)); // new login
            store.read(account);
            assertThat(store.compareAndSet(account, v.version(), state)).isInstanceOf(CasResult.Conflict.class);

            TokenStore reader = storeWith(readerToken).build();
            texts.add(reader.toString());
            collect(texts, () -> reader.compareAndSet(account, 5, state));
            collect(texts, () -> reader.read(account));
            vault.addPolicy("refresh-only", "secret/data/" + prefix + "/+/refresh", "create", "read", "update");
            TokenStore noAccess = storeWith(vault.createToken(Duration.ofHours(1), "refresh-only")).build();
            written(noAccess.compareAndSet(AccountId.of("other"), TokenStore.ABSENT, state)); // warns
            Map<String, Object> bad = new LinkedHashMap<>(VaultCodec.refreshFields(state));
            bad.put("expires_at", "x" + state.refreshToken().value());
            root.post("secret/data/" + prefix + "/corrupt/refresh", Map.of("data", bad));
            collect(texts, () -> store.read(AccountId.of("corrupt")));
            vault.seal();
            collect(texts, () -> store.read(account));
            collect(texts, () -> store.compareAndSet(account, 3, state));
            vault.unseal();
            vault.stop();
            collect(texts, () -> store.read(account));
            collect(texts, () -> store.compareAndSet(account, 3, state));
            collect(texts, store::accounts);
            texts.addAll(logs.lines());
        }

        assertThat(texts).hasSizeGreaterThan(10);
        assertThat(String.join("\n", texts)).contains("permission", "sealed", "not reachable", "CORRUPT".toLowerCase());
        for (String text : texts) {
            assertNoSecret(text, state);
            assertThat(text).doesNotContain(role.secretId(), readerToken, vault.rootToken());
        }
    }

    // ------------------------------------------------------------------ builder

    @Test
    void refusesIncompleteOrContradictorySettingsWithoutEchoingSecrets() {
        String token = Sentinels.secret("vault-token");
        assertThatThrownBy(() -> VaultTokenStore.builder().token(token).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("address");
        assertThatThrownBy(() -> VaultTokenStore.builder().address(vault.address()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("token(...) and appRole(...)");
        assertThatThrownBy(() -> VaultTokenStore.builder().address(vault.address()).token(token).appRole("r", "s").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> VaultTokenStore.builder().address("ftp://vault:8200").token(token).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
        assertThatThrownBy(() -> VaultTokenStore.builder().address("https://vault:8200/ui").token(token).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> VaultTokenStore.builder().address(vault.address()).token(token).mount("a//b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mount");
        assertThatThrownBy(() -> VaultTokenStore.builder().address(vault.address()).token(token).prefix("x y").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
        assertThatThrownBy(() -> VaultTokenStore.builder().address(vault.address()).token(token)
                .caCertificatePem("not a certificate").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CA certificate");
        assertThatThrownBy(() -> VaultTokenStore.builder().address(vault.address()).token(token)
                .connectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VaultTokenStore.builder().address(vault.address()).token(token + "\n").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token has a")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
        assertThatThrownBy(() -> VaultTokenStore.builder().address(vault.address()).appRole("role", " ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret_id is blank");
        assertThatThrownBy(() -> VaultTokenStore.builder().token(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("token == null");
        String text = VaultTokenStore.builder().address(vault.address()).token(token).build().toString();
        assertThat(text).contains(vault.address(), "secret", "cnp-token", "auth=token").doesNotContain(token);
    }

    // ------------------------------------------------------------------ helpers

    private long logins() {
        return vault.count("POST /v1/auth/approle/login");
    }

    private long renewals() {
        return vault.count("POST /v1/auth/token/renew-self");
    }

    private static void collect(List<String> texts, Executable call) {
        try {
            call.execute();
            texts.add("no failure");
        } catch (TokenException e) {
            assertNoDriverException(e);
            for (Throwable t = e; t != null; t = t.getCause()) {
                texts.add(t + " " + t.getMessage());
            }
        } catch (Throwable t) {
            throw new AssertionError("expected a TokenException", t);
        }
    }

    private static void assertNoSecret(String text, TokenState state) {
        List<String> secrets = new ArrayList<>(List.of(state.accessToken().value(), state.refreshToken().value()));
        state.credential().ifPresent(c -> secrets.add(c.value()));
        for (String secret : secrets) {
            for (String needle : Sentinels.needles(secret)) {
                assertThat(text).doesNotContain(needle);
            }
        }
    }
}
