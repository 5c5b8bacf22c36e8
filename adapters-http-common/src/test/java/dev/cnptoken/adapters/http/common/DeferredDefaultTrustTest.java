package dev.cnptoken.adapters.http.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class DeferredDefaultTrustTest {
    @Test
    void trustsExactlyTheIssuersTheJvmDefaultTrusts() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        X509TrustManager jvm = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager t) {
                jvm = t;
            }
        }

        assertThat(new DeferredDefaultTrust().getAcceptedIssuers()).containsExactlyInAnyOrder(jvm.getAcceptedIssuers());
    }

    @Test
    void refusesAnEmptyServerChainLikeTheJvmDefault() {
        assertThatThrownBy(() -> new DeferredDefaultTrust().checkServerTrusted(new X509Certificate[0], "RSA"))
                .isInstanceOfAny(IllegalArgumentException.class, CertificateException.class);
    }

    @Test
    void theDefaultTrustMaterialHandsOutTheDeferredManager() {
        TrustMaterial trust = TrustMaterial.jvmDefault();

        assertThat(trust.trustManager()).isInstanceOf(DeferredDefaultTrust.class);
        assertThat(trust.sslContext().getProtocol()).isEqualTo("TLS");
        assertThat(trust).hasToString("JVM default trust");
    }
}
