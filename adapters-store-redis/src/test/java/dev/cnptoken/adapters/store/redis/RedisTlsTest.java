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
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code rediss://} against a real redis-server with TLS, trusting a test CA through sslSocketFactory. */
class RedisTlsTest {
    private static TestRedis redis;
    private static int tlsPort;

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
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void readsAndWritesOverTls() throws Exception {
        AccountId account = AccountId.of("tls");
        try (RedisTokenStore store = RedisTokenStore.builder()
                .uri("rediss://127.0.0.1:" + tlsPort)
                .sslSocketFactory(trustingTheTestCa())
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

    private static SSLSocketFactory trustingTheTestCa() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = RedisTlsTest.class.getResourceAsStream("/tls/ca.crt")) {
            trust.setCertificateEntry("test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static TokenState state() {
        Instant t = Instant.now();
        return new TokenState(new AccessToken("over-tls"), "bearer", t.plusSeconds(60), new RefreshToken("r"), t, t,
                Optional.empty(), Optional.empty(), Optional.empty());
    }
}
