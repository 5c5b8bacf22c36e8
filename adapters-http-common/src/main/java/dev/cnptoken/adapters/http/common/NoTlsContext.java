package dev.cnptoken.adapters.http.common;

import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of a client whose base URL is plain {@code http://}: it refuses every use. Such a
 * client never speaks TLS (redirects are not followed; a proxy is reached over plain HTTP), but the
 * JDK {@link java.net.http.HttpClient} insists on a context, and without one takes {@link
 * SSLContext#getDefault()}, which loads the JVM's trust and key stores; a real context costs ~40 ms
 * of CPU to set up. This one costs nothing.
 */
final class NoTlsContext extends SSLContext {
    static final SSLContext INSTANCE = new NoTlsContext();

    private NoTlsContext() {
        super(new Spi(), null, "none (http:// base URL)");
    }

    private static final class Spi extends SSLContextSpi {
        private static IllegalStateException refused() {
            return new IllegalStateException("no TLS: the base URL is plain http://");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
            throw refused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }

        /** Asked for when the HTTP client is built: empty parameters, never used. */
        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return new SSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return new SSLParameters();
        }
    }
}
