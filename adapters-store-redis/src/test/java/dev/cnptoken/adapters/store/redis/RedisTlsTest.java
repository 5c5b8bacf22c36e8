package dev.cnptoken.adapters.store.redis;

import static dev.cnptoken.adapters.store.redis.RedisAccessControlTest.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against real redis-servers with TLS: one with a certificate for 127.0.0.1 from a
 * test CA, one with a trusted certificate for another host name.
 */
class RedisTlsTest {
    private static final char[] TRUST_PASSWORD = "test-trust".toCharArray();
    private static TestRedis redis;
    private static TestRedis otherName;
    private static int tlsPort;
    private static int otherTlsPort;
    private static Path trustStore;

    @BeforeAll
    static void startRedisWithTls() throws Exception {
        Path tls = Path.of(RedisTlsTest.class.getResource("/tls/ca.crt").toURI()).getParent();
        tlsPort = TestRedis.freePort();
        redis = TestRedis.start(false,
                "tls-port " + tlsPort,
                "tls-cert-file " + tls.resolve("server.crt"),
                "tls-key-file " + tls.resolve("server.key"),
                "tls-ca-cert-file " + tls.resolve("ca.crt"),
                "tls-auth-clients no");
        otherTlsPort = TestRedis.freePort();
        otherName = TestRedis.start(false,
                "tls-port " + otherTlsPort,
                "tls-cert-file " + tls.resolve("other.crt"),
                "tls-key-file " + tls.resolve("other.key"),
                "tls-ca-cert-file " + tls.resolve("ca.crt"),
                "tls-auth-clients no");
        trustStore = Files.createTempFile("cnp-test-trust", ".p12");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("test-ca", certificate("/tls/ca.crt"));
        trust.setCertificateEntry("other", certificate("/tls/other.crt"));
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, TRUST_PASSWORD);
        }
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
        otherName.close();
        Files.deleteIfExists(trustStore);
    }

    @Test
    void readsAndWritesOverTls() {
        AccountId account = AccountId.of("tls");
        try (RedisTokenStore store = RedisTokenStore.builder()
                .uri("rediss://127.0.0.1:" + tlsPort)
                .trustStore(trustStore, TRUST_PASSWORD)
                .build()) {
            CasResult result = store.compareAndSet(account, TokenStore.ABSENT, state());

            assertThat(result.written()).isTrue();
            assertThat(store.read(account)).isPresent();
        }
    }

    @Test
    void refusesAServerItDoesNotTrustAsUnavailable() {
        try (RedisTokenStore store = RedisTokenStore.builder().uri("rediss://127.0.0.1:" + tlsPort).build()) {
            assertThatThrownBy(() -> store.read(AccountId.of("tls")))
                    .isInstanceOfSatisfying(TokenException.class, e -> assertThat(reason(e)).isEqualTo(Reason.UNAVAILABLE));
        }
    }

    @Test
    void refusesATrustedCertificateForAnotherHostName() {
        try (RedisTokenStore store = RedisTokenStore.builder()
                .uri("rediss://127.0.0.1:" + otherTlsPort)
                .trustStore(trustStore, TRUST_PASSWORD)
                .build()) {
            assertThatThrownBy(() -> store.read(AccountId.of("tls")))
                    .isInstanceOfSatisfying(TokenException.class, e -> assertThat(reason(e)).isEqualTo(Reason.UNAVAILABLE));
        }
    }

    private static Certificate certificate(String resource) throws Exception {
        try (InputStream in = RedisTlsTest.class.getResourceAsStream(resource)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static TokenState state() {
        Instant t = Instant.now();
        return new TokenState(new AccessToken("over-tls"), "bearer", t.plusSeconds(60), new RefreshToken("r"), t, t,
                Optional.empty(), Optional.empty(), Optional.empty());
    }
}
