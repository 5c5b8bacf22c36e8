package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.testkit.AuthenticatingProxy;
import dev.cnptoken.testkit.Sentinels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code cnp-token} process reaching an {@code https} FortiCNP through a proxy that wants Basic
 * authentication, with each transport: the Feign transport's JDK client drops Basic from {@code
 * CONNECT} unless the JVM allows it, which {@link Main#main} does for the process.
 */
class ProxyTunnelProcessTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"feign", "retrofit"})
    void logsInThroughAnAuthenticatingProxyToAnHttpsFortiCnp(String transport) throws Exception {
        ApiCredential credential = Sentinels.credential();
        String password = Sentinels.secret("proxypass");
        Path ca = FortiCnpSimulator.writeCertificatePem(tmp.resolve("ca.pem"));
        try (FortiCnpSimulator sim = FortiCnpSimulator.builder().https(true).credential(credential).start();
                AuthenticatingProxy proxy = AuthenticatingProxy.start("puser", password)) {
            Map<String, String> env = Map.of(
                    "CNP_TRANSPORT", transport,
                    "CNP_BASE_URL", "https://localhost:" + sim.port(),
                    "CNP_CA_FILE", ca.toString(),
                    "CNP_HTTP_PROXY", "http://puser@127.0.0.1:" + proxy.address().getPort(),
                    "CNP_HTTP_PROXY_PASSWORD", password,
                    "CNP_STORE", "file",
                    "CNP_FILE_DIR", tmp.resolve("store").toString());

            try (ChildCli login = ChildCli.start(tmp, env, credential.value(), "login", "--account", "acme", "--credential-stdin")) {
                login.expectExit(0, Duration.ofSeconds(60));

                assertThat(sim.requestCount(Endpoint.LOGIN)).isEqualTo(1);
                assertThat(proxy.requests()).anyMatch(s -> s.requestLine().startsWith("CONNECT ") && s.admitted());
                List<String> secrets = List.of(password, credential.value());
                ChildCli.assertNoSecret("login stdout", login.stdout(), secrets);
                ChildCli.assertNoSecret("login stderr", login.stderr(), secrets);
            }
        }
    }

    @Test
    void anExplicitSettingOfTheJvmStands() {
        String before = System.getProperty(Main.TUNNELING_DISABLED_SCHEMES);
        try {
            System.setProperty(Main.TUNNELING_DISABLED_SCHEMES, "Basic");
            Main.allowConfiguredProxyAuthenticationInTunnels();
            assertThat(System.getProperty(Main.TUNNELING_DISABLED_SCHEMES)).isEqualTo("Basic");
        } finally {
            if (before == null) {
                System.clearProperty(Main.TUNNELING_DISABLED_SCHEMES);
            } else {
                System.setProperty(Main.TUNNELING_DISABLED_SCHEMES, before);
            }
        }
    }
}
