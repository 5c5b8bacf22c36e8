package dev.cnptoken.domain.archfixture;

/**
 * Fixture: a domain class that depends on a part of {@code javax} other than {@code javax.crypto}
 * (TLS). Breaks the domain rule on purpose: only the JDK's cipher API is allowed beyond {@code java..}.
 */
public class DomainUsingJavaxBeyondCrypto {
    public Object tls() throws Exception {
        return javax.net.ssl.SSLContext.getDefault();
    }
}
