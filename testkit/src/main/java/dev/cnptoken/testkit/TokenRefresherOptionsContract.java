package dev.cnptoken.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.simulator.FortiCnpSimulator.Endpoint;
import dev.cnptoken.simulator.FortiCnpSimulator.RecordedRequest;
import java.io.OutputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builder options every HTTP {@link TokenRefresher} offers, and how it must check and apply
 * them: required base URL and presets, plain-http refusal, base URL checks that never echo user
 * info, clear messages for bad options, TLS trust from a trust store file, a loaded key store or
 * PEM, proxy (plain and tunnelled, with Basic authentication, through an {@link
 * AuthenticatingProxy}), {@code User-Agent}, path prefix, and refusing calls once closed. Runs
 * against a {@link FortiCnpSimulator} on loopback.
 *
 * <p>An implementation's test extends this class and hands over its builder through {@link
 * #builder()}, seen as {@link Options} (see {@link Options#of(Object)}).
 *
 * @param <R> the refresher type the builder builds
 */
// "try": R is closed in try-with-resources though AutoCloseable.close() may in principle throw
// InterruptedException; the adapters' close() throws nothing
@SuppressWarnings("try")
public abstract class TokenRefresherOptionsContract<R extends TokenRefresher & AutoCloseable> {
    /**
     * The adapter's builder, seen through the setters every HTTP refresher has. Each call goes to
     * the builder's method of the same name, and throws what it throws.
     */
    public interface Options<R> {
        Options<R> baseUrl(URI baseUrl);

        Options<R> baseUrl(String baseUrl);

        Options<R> connectTimeout(Duration timeout);

        Options<R> readTimeout(Duration timeout);

        Options<R> callTimeout(Duration timeout);

        Options<R> trustStore(KeyStore trustStore);

        Options<R> trustStore(Path file, char[] password);

        Options<R> trustedCertificates(Path pemFile);

        Options<R> proxy(InetSocketAddress proxy);

        Options<R> proxy(String host, int port);

        Options<R> proxyAuthentication(String username, char[] password);

        Options<R> allowPlainHttp(boolean allow);

        Options<R> userAgent(String userAgent);

        Options<R> maxResponseBytes(int bytes);

        Options<R> clock(Clock clock);

        R build();

        /**
         * {@code builder} seen as options: each call goes to the builder's public method of the same
         * name and parameter types, and throws what it throws. A setter must return the builder
         * itself; a missing method or a setter that returns anything else fails the test.
         *
         * @param builder the adapter's builder, e.g. {@code FeignTokenRefresher.builder()}
         */
        static <R> Options<R> of(Object builder) {
            Objects.requireNonNull(builder, "builder == null");
            Class<?> type = builder.getClass();
            InvocationHandler calls = (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return switch (method.getName()) {
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "Options[" + builder + "]";
                    };
                }
                Method target;
                try {
                    target = type.getMethod(method.getName(), method.getParameterTypes());
                } catch (NoSuchMethodException e) {
                    throw new AssertionError(type.getName() + " has no public " + method.getName()
                            + Arrays.toString(method.getParameterTypes()), e);
                }
                Object result;
                try {
                    result = target.invoke(builder, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
                if (method.getName().equals("build")) {
                    return result;
                }
                if (result != builder) {
                    throw new AssertionError(type.getName() + "." + method.getName() + " does not return the builder");
                }
                return proxy;
            };
            @SuppressWarnings("unchecked")
            Options<R> view = (Options<R>) Proxy.newProxyInstance(Options.class.getClassLoader(),
                    new Class<?>[] {Options.class}, calls);
            return view;
        }
    }

    private final ApiCredential credential = Sentinels.credential();
    private FortiCnpSimulator sim;
    private R refresher;

    @TempDir
    Path dir;

    private final String library;
    private final URI globalBaseUrl;
    private final URI euBaseUrl;

    /**
     * @param library the HTTP library as the default {@code User-Agent} names it, e.g. {@code feign}
     * @param globalBaseUrl the adapter's constant for the global FortiCNP host
     * @param euBaseUrl the adapter's constant for the European FortiCNP host
     */
    protected TokenRefresherOptionsContract(String library, URI globalBaseUrl, URI euBaseUrl) {
        this.library = Objects.requireNonNull(library, "library == null");
        this.globalBaseUrl = Objects.requireNonNull(globalBaseUrl, "globalBaseUrl == null");
        this.euBaseUrl = Objects.requireNonNull(euBaseUrl, "euBaseUrl == null");
    }

    /** A new builder of the refresher under test, usually {@code Options.of(XTokenRefresher.builder())}. */
    protected abstract Options<R> builder();

    @AfterEach
    final void stop() throws Exception {
        if (refresher != null) {
            refresher.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void requiresABaseUrl() {
        assertThatThrownBy(() -> builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("baseUrl is required");
        assertThatThrownBy(() -> builder().baseUrl((URI) null)).hasMessage("baseUrl == null");
    }

    @Test
    void offersPresetsForTheKnownFortiCnpHosts() throws Exception {
        assertThat(globalBaseUrl).hasToString("https://www.forticnp.com");
        assertThat(euBaseUrl).hasToString("https://eu.forticnp.com");
        try (R eu = builder().baseUrl(euBaseUrl).build()) {
            assertThat(eu.toString()).contains("https://eu.forticnp.com", "JVM default trust");
        }
    }

    @Test
    void refusesPlainHttpToAHostThatIsNotLoopbackUnlessAllowed() throws Exception {
        assertThatThrownBy(() -> builder().baseUrl("http://www.forticnp.com").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http");
        assertThatThrownBy(() -> builder().baseUrl("http://127.example.com").build())
                .isInstanceOf(IllegalArgumentException.class);
        builder().baseUrl("http://www.forticnp.com").allowPlainHttp(true).build().close();
        for (String loopback : new String[] {"http://127.0.0.1:8080", "http://localhost", "http://[::1]:9", "http://127.1.2.3"}) {
            builder().baseUrl(loopback).build().close();
        }
    }

    @Test
    void refusesMalformedBaseUrlsWithoutEchoingUserInfo() {
        String secret = Sentinels.secret("userinfo");
        assertThatThrownBy(() -> builder().baseUrl("https://api:" + secret + "@www.forticnp.com").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user info")
                .hasMessageNotContaining(secret);
        for (String bad : new String[] {"ftp://x", "www.forticnp.com", "https://h/?q=1", "https://h/#f", "https:///path", "ht tp://x"}) {
            assertThatThrownBy(() -> builder().baseUrl(bad).build()).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void checksEveryOptionWithAClearMessage() {
        Options<R> b = builder();
        assertThatThrownBy(() -> b.connectTimeout(null)).hasMessage("connectTimeout == null");
        assertThatThrownBy(() -> b.readTimeout(Duration.ZERO)).hasMessage("readTimeout must be positive");
        assertThatThrownBy(() -> b.maxResponseBytes(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.userAgent(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.userAgent("a\r\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.proxy("proxy", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.clock(null)).hasMessage("clock == null");
        assertThatThrownBy(() -> b.callTimeout(null)).hasMessage("callTimeout == null");
        assertThatThrownBy(() -> b.callTimeout(Duration.ofSeconds(-1))).hasMessage("callTimeout must be positive");
        assertThatThrownBy(() -> b.proxyAuthentication(" ", "pw".toCharArray())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.proxyAuthentication("user:x", "pw".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("user:x");
        assertThatThrownBy(() -> b.proxyAuthentication("user", "p\nw".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().baseUrl(globalBaseUrl).proxyAuthentication("user", "pw".toCharArray()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a proxy");
        assertThatThrownBy(() -> b.trustedCertificates(dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
        b.trustStore(FortiCnpSimulator.trustStore());
        assertThatThrownBy(() -> b.trustStore(FortiCnpSimulator.trustStore()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
    }

    @Test
    void refusesAPemFileWithoutCertificates() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");

        assertThatThrownBy(() -> builder().trustedCertificates(empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty.pem");
    }

    @Test
    void trustsTheSimulatorThroughATrustStoreFile() throws Exception {
        sim = FortiCnpSimulator.builder().credential(credential).https(true).start();
        char[] password = "store-pass".toCharArray();
        Path store = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            FortiCnpSimulator.trustStore().store(out, password);
        }
        refresher = builder().baseUrl(sim.baseUrl()).trustStore(store, password).build();

        assertThat(sim.isLive(refresher.login(credential).accessToken())).isTrue();
        assertThatThrownBy(() -> builder().trustStore(store, "wrong-pass".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trust.p12")
                .hasMessageNotContaining("wrong-pass");
    }

    @Test
    void trustsTheSimulatorThroughALoadedKeyStore() {
        sim = FortiCnpSimulator.builder().credential(credential).https(true).start();
        refresher = builder().baseUrl(sim.baseUrl()).trustStore(FortiCnpSimulator.trustStore()).build();

        assertThat(sim.isLive(refresher.login(credential).accessToken())).isTrue();
    }

    @Test
    void refusesAnEmptyTrustStore() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);

        assertThatThrownBy(() -> builder().trustStore(empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no certificate");
    }

    @Test
    void sendsRequestsThroughTheConfiguredProxy() {
        // the simulator plays the proxy: it records the absolute URL a client sends to a proxy
        sim = FortiCnpSimulator.builder().credential(credential).start();
        refresher = builder()
                .baseUrl("http://localhost:9")
                .proxy(new InetSocketAddress("127.0.0.1", sim.port()))
                .build();

        assertThat(sim.isLive(refresher.login(credential).accessToken())).isTrue();
        RecordedRequest sent = sim.lastRequest(Endpoint.LOGIN).orElseThrow();
        assertThat(sent.viaProxy()).isTrue();
        assertThat(sent.target()).isEqualTo("http://localhost:9/api/v1/auth/credentials/token/");
        assertThat(refresher.toString()).contains("proxy 127.0.0.1:" + sim.port());
    }

    @Test
    void authenticatesToAProxyForPlainRequestsWithoutShowingTheCredentials() throws Exception {
        String password = Sentinels.secret("proxypass");
        sim = FortiCnpSimulator.builder().credential(credential).start();
        try (AuthenticatingProxy proxy = AuthenticatingProxy.start("puser", password)) {
            refresher = builder()
                    .baseUrl("http://localhost:" + sim.port())
                    .proxy(proxy.address())
                    .proxyAuthentication("puser", password.toCharArray())
                    .build();

            assertThat(sim.isLive(refresher.login(credential).accessToken())).isTrue();
            assertThat(proxy.requests()).last().satisfies(r -> {
                assertThat(r.requestLine()).startsWith("POST http://localhost:" + sim.port() + "/api/v1/auth/credentials/token/");
                assertThat(r.admitted()).isTrue();
            });
            assertThat(sim.lastRequest(Endpoint.LOGIN).orElseThrow().header("Proxy-Authorization"))
                    .as("the proxy keeps its credentials to itself").isEmpty();
            assertThat(refresher.toString()).contains("basic authentication").doesNotContain("puser", password);
        }
    }

    @Test
    void tunnelsHttpsThroughAnAuthenticatingProxyKeepingTheCredentialsFromTheServer() throws Exception {
        String password = Sentinels.secret("proxypass");
        sim = FortiCnpSimulator.builder().credential(credential).https(true).start();
        try (AuthenticatingProxy proxy = AuthenticatingProxy.start("puser", password)) {
            refresher = builder()
                    .baseUrl(sim.baseUrl())
                    .trustStore(FortiCnpSimulator.trustStore())
                    .proxy(proxy.address())
                    .proxyAuthentication("puser", password.toCharArray())
                    .build();

            assertThat(sim.isLive(refresher.login(credential).accessToken())).isTrue();
            assertThat(proxy.requests()).last().satisfies(r -> {
                assertThat(r.requestLine()).startsWith("CONNECT 127.0.0.1:" + sim.port() + " ");
                assertThat(r.admitted()).isTrue();
            });
            RecordedRequest sent = sim.lastRequest(Endpoint.LOGIN).orElseThrow();
            assertThat(sent.viaProxy()).as("tunnelled, not forwarded").isFalse();
            assertThat(sent.header("Proxy-Authorization")).as("never sent to FortiCNP").isEmpty();
        }
    }

    @Test
    void reportsAProxyThatRefusesAuthenticationAsAProxyProblemNotAsFortiCnp() throws Exception {
        String password = Sentinels.secret("proxypass");
        String wrong = Sentinels.secret("wrongpass");
        FortiCnpSimulator plain = FortiCnpSimulator.builder().credential(credential).start();
        sim = FortiCnpSimulator.builder().credential(credential).https(true).start();
        try (plain; AuthenticatingProxy proxy = AuthenticatingProxy.start("puser", password)) {
            for (URI base : new URI[] {URI.create("http://localhost:" + plain.port()), sim.baseUrl()}) {
                for (char[] given : new char[][] {wrong.toCharArray(), null}) {
                    Options<R> b = builder().baseUrl(base).trustStore(FortiCnpSimulator.trustStore()).proxy(proxy.address());
                    if (given != null) {
                        b.proxyAuthentication("puser", given);
                    }
                    try (R r = b.build()) {
                        assertThatThrownBy(() -> r.login(credential)).as("%s, %s", base.getScheme(),
                                given == null ? "no credentials" : "a wrong password")
                                .isInstanceOfSatisfying(TokenException.class, e -> {
                                    assertThat(e.failure()).isInstanceOfSatisfying(Failure.Rejected.class, f -> {
                                        assertThat(f.subject()).isEqualTo(Failure.Subject.REQUEST);
                                        assertThat(f.status()).hasValue(407);
                                        assertThat(f.needsHuman()).isTrue();
                                    });
                                    assertThat(e.getMessage()).contains("the proxy refused authentication")
                                            .doesNotContain("base URL", wrong, password);
                                });
                    }
                }
            }
            assertThat(plain.requests()).isEmpty();
            assertThat(sim.requests()).isEmpty();
        }
    }

    @Test
    void namesTheProjectAndVersionInTheUserAgentUnlessReplaced() throws Exception {
        sim = FortiCnpSimulator.builder().credential(credential).start();
        refresher = builder().baseUrl(sim.baseUrl()).build();
        refresher.login(credential);
        assertThat(sim.lastRequest(Endpoint.LOGIN).orElseThrow().header("User-Agent"))
                .hasValueSatisfying(ua -> assertThat(ua)
                        .matches("cnp-token/\\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(" + library + "\\)"));

        try (R custom = builder().baseUrl(sim.baseUrl()).userAgent("my-job/2").build()) {
            custom.login(credential);
        }
        assertThat(sim.lastRequest(Endpoint.LOGIN).orElseThrow().header("User-Agent")).contains("my-job/2");
    }

    @Test
    void keepsAPathPrefixOfTheBaseUrl() {
        sim = FortiCnpSimulator.builder().credential(credential).start();
        refresher = builder().baseUrl(sim.baseUrl() + "/gateway/forticnp/").build();

        assertThatThrownBy(() -> refresher.login(credential)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.failure()).isInstanceOf(Failure.Rejected.class).extracting(Failure::describe)
                        .asString().contains("HTTP 404"));
        assertThat(sim.requests()).singleElement()
                .extracting(RecordedRequest::path).isEqualTo("/gateway/forticnp/api/v1/auth/credentials/token/");
    }

    @Test
    void refusesCallsOnceClosed() throws Exception {
        sim = FortiCnpSimulator.builder().credential(credential).start();
        refresher = builder().baseUrl(sim.baseUrl()).build();
        refresher.login(credential);

        refresher.close();
        refresher.close();

        assertThatThrownBy(() -> refresher.login(credential))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(refresher.toString()).contains("closed");
    }
}
