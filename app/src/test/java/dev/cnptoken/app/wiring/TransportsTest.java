package dev.cnptoken.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigSources;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.testkit.AuthenticatingProxy;
import dev.cnptoken.testkit.Sentinels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportsTest {
    @ParameterizedTest
    @ValueSource(strings = {"feign", "retrofit"})
    void authenticatesToTheProxyWithTheUserFromTheUrlAndThePasswordFromTheEnvironment(String transport) throws Exception {
        ApiCredential credential = Sentinels.credential();
        String password = Sentinels.secret("proxypass");
        try (FortiCnpSimulator sim = FortiCnpSimulator.builder().credential(credential).start();
                AuthenticatingProxy proxy = AuthenticatingProxy.start("puser", password)) {
            Map<String, String> env = new HashMap<>();
            env.put("CNP_TRANSPORT", transport);
            env.put("CNP_BASE_URL", "http://localhost:" + sim.port());
            env.put("CNP_HTTP_PROXY", "http://puser@127.0.0.1:" + proxy.address().getPort());
            env.put("CNP_HTTP_PROXY_PASSWORD", password);
            env.put("CNP_CALL_TIMEOUT", "20s");
            AppConfig config = AppConfig.from(ConfigSources.load(env, Map.of(), List.of()));

            TokenRefresher refresher = Transports.create(config);
            try {
                assertThat(sim.isLive(refresher.login(credential).accessToken())).isTrue();
                assertThat(proxy.requests()).last().extracting(AuthenticatingProxy.Seen::admitted).isEqualTo(true);
                assertThat(refresher.toString()).contains("call 20000 ms", "basic authentication")
                        .doesNotContain("puser", password);
            } finally {
                ((AutoCloseable) refresher).close();
            }
        }
    }
}
