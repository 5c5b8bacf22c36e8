package dev.cnptoken.adapters.http.common;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JVM's default trust manager, loaded at the first TLS handshake instead of when the client is
 * built: loading it parses the JVM's ~140 CA certificates, a tenth of a second that a plain
 * {@code http://} base URL, or a command that makes no call, never needs.
 *
 * <p>Every check goes to the default manager unchanged (host names included, which the JDK checks
 * through the {@link SSLEngine} or {@link Socket} it is given). Thread-safe.
 */
final class DeferredDefaultTrust extends X509ExtendedTrustManager {
    /** Null until the first handshake; guarded by this. */
    private X509ExtendedTrustManager delegate;

    private synchronized X509ExtendedTrustManager delegate() throws CertificateException {
        if (delegate == null) {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init((KeyStore) null);
                for (TrustManager tm : tmf.getTrustManagers()) {
                    if (tm instanceof X509ExtendedTrustManager t) {
                        delegate = t;
                    }
                }
            } catch (GeneralSecurityException e) {
                throw new CertificateException("cannot load the JVM's default trust: " + e.getMessage(), e);
            }
            if (delegate == null) {
                throw new CertificateException("the JVM has no X.509 trust manager");
            }
        }
        return delegate;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        try {
            return delegate().getAcceptedIssuers();
        } catch (CertificateException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JVM default trust (loaded at the first handshake)";
    }
}
