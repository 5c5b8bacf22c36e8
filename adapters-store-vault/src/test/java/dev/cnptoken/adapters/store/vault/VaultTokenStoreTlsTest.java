package dev.cnptoken.adapters.store.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.port.CasResult;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.vault.VaultEmulator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against the emulator serving HTTPS with a self-signed certificate for 127.0.0.1 (made by the
 * JDK's keytool): verification is on by default, and trusting the certificate as a CA (PEM file,
 * PEM text or key store) makes it work.
 */
class VaultTokenStoreTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    private static VaultEmulator vault;
    private static Path caPem;
    private static KeyStore keyStore;

    @BeforeAll
    static void startHttpsVault() throws Exception {
        Path ks = dir.resolve("vault.p12");
        caPem = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "vault", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "vault", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", caPem.toString());
        keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        vault = VaultEmulator.builder().https(tls).start();
    }

    @AfterAll
    static void stop() {
        if (vault != null) {
            vault.close();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static TokenState state() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        return new TokenState(new AccessToken("a"), "bearer", t, new RefreshToken("r"), t, t, Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private static VaultTokenStore.Builder store() {
        return VaultTokenStore.builder().address(vault.address()).token(vault.rootToken());
    }

    @Test
    void refusesAServerWhoseCertificateIsNotTrustedAsMisconfigured() {
        assertThat(vault.address()).startsWith("https://127.0.0.1:");
        TokenStore untrusted = store().build();

        assertThatThrownBy(() -> untrusted.read(AccountId.of("a1"))).isInstanceOfSatisfying(TokenException.class, e -> {
            // only an operator can fix the trust settings: retrying cannot help
            assertThat(((Failure.StoreFailure) e.failure()).reason()).isEqualTo(Failure.StoreFailure.Reason.MISCONFIGURED);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("TLS handshake", "not trusted", "caCertificatePem");
            assertThat(e.getCause()).isInstanceOf(javax.net.ssl.SSLException.class);
        });
    }

    @Test
    void talksToTheServerWhenItsCaIsGivenAsAFilePemTextOrTrustStore() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("vault", keyStore.getCertificate("vault"));
        List<TokenStore> stores = List.of(store().caCertificateFile(caPem).build(),
                store().caCertificatePem(Files.readString(caPem)).build(), store().trustStore(trust).build());
        int i = 0;
        for (TokenStore s : stores) {
            AccountId account = AccountId.of("tls-" + i++);
            assertThat(s.compareAndSet(account, TokenStore.ABSENT, state())).isInstanceOf(CasResult.Written.class);
            assertThat(s.read(account)).isPresent();
        }
    }
}
