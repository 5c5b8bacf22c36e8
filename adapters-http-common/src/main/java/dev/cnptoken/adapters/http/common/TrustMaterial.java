package dev.cnptoken.adapters.http.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates a client trusts: the JVM's default, or exactly those of a trust store or a PEM
 * file (which then replace the default). Host names are always verified.
 */
final class TrustMaterial {
    /** Null until {@link #sslContext()} first makes it (JVM default trust only); guarded by this. */
    private SSLContext sslContext;
    private final X509TrustManager trustManager;
    private final String description;

    private TrustMaterial(SSLContext sslContext, X509TrustManager trustManager, String description) {
        this.sslContext = sslContext;
        this.trustManager = trustManager;
        this.description = description;
    }

    /**
     * The JVM's default trust: the TLS context is made when first asked for, its certificates
     * loaded at the first handshake (see {@link DeferredDefaultTrust}), so a client that never
     * speaks TLS pays for neither.
     */
    static TrustMaterial jvmDefault() {
        return new TrustMaterial(null, new DeferredDefaultTrust(), "JVM default trust");
    }

    static TrustMaterial of(KeyStore trustStore) {
        Objects.requireNonNull(trustStore, "trustStore == null");
        try {
            if (trustStore.size() == 0) {
                throw new IllegalArgumentException("the trust store holds no certificate");
            }
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException("the trust store is not loaded", e);
        }
        return from(trustStore, "trust store");
    }

    /** A trust store file (PKCS12 or JKS, detected from the content). */
    static TrustMaterial ofTrustStoreFile(Path file, char[] password) {
        Objects.requireNonNull(file, "file == null");
        try {
            KeyStore ks = KeyStore.getInstance(file.toFile(), password);
            return from(checked(ks, file), "trust store " + file);
        } catch (IOException | GeneralSecurityException e) {
            // the message of a failed load names the problem (wrong password, bad format), not the password
            throw new IllegalArgumentException("cannot read the trust store " + file + ": " + e.getMessage(), e);
        }
    }

    /** One or more PEM certificates (certificate authorities or a self-signed server certificate). */
    static TrustMaterial ofPemFile(Path file) {
        Objects.requireNonNull(file, "file == null");
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("pem-" + i++, c);
            }
            return from(ks, certs.size() + " PEM certificate(s) from " + file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read PEM certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore checked(KeyStore ks, Path file) throws KeyStoreException {
        boolean any = false;
        for (String alias : Collections.list(ks.aliases())) {
            any |= ks.isCertificateEntry(alias) || ks.getCertificate(alias) != null;
        }
        if (!any) {
            throw new IllegalArgumentException("the trust store " + file + " holds no certificate");
        }
        return ks;
    }

    private static TrustMaterial from(KeyStore ks, String description) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            X509TrustManager x509 = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager t) {
                    x509 = t;
                }
            }
            if (x509 == null) {
                throw new IllegalStateException("no X.509 trust manager available");
            }
            return new TrustMaterial(newContext(x509), x509, description);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    synchronized SSLContext sslContext() {
        if (sslContext == null) {
            sslContext = newContext(trustManager);
        }
        return sslContext;
    }

    /** A TLS context that trusts what {@code trust} trusts. */
    private static SSLContext newContext(X509TrustManager trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    X509TrustManager trustManager() {
        return trustManager;
    }

    @Override
    public String toString() {
        return description;
    }
}
