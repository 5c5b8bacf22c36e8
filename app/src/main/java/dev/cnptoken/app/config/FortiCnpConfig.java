package dev.cnptoken.app.config;

import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach FortiCNP: base URL, transport, trust, proxy and its credentials, and timeouts.
 *
 * @param baseUrl the API's base URL ({@code global} and {@code eu} are presets)
 * @param transport the HTTP adapter
 * @param caFile PEM certificates to trust instead of the JVM's
 * @param httpProxy an HTTP proxy, without user info (a user given in the URL is in {@code proxyUser})
 * @param connectTimeout the connect timeout, {@code (0, 2m]}
 * @param readTimeout the read timeout, {@code (0, 2m]}
 * @param allowInsecureHttp whether plain {@code http://} to a non-loopback host is allowed
 * @param callTimeout the deadline of one whole call, {@code (0, 2m]}; a lease must outlast it
 * @param proxyUser the user for the proxy's Basic authentication, from {@code http_proxy} or {@code
 *     http_proxy_user}; present exactly when {@code proxyPassword} is
 * @param proxyPassword the proxy password, from {@code CNP_HTTP_PROXY_PASSWORD} or {@code
 *     http_proxy_password_file}
 */
public record FortiCnpConfig(
        URI baseUrl,
        Transport transport,
        Optional<Path> caFile,
        Optional<URI> httpProxy,
        Duration connectTimeout,
        Duration readTimeout,
        boolean allowInsecureHttp,
        Duration callTimeout,
        Optional<String> proxyUser,
        Optional<Secret> proxyPassword) {

    /** The HTTP transports. */
    public enum Transport { FEIGN, RETROFIT }

    /** The longest connect, read or call timeout: a call that hangs longer holds up every account behind it. */
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);

    public FortiCnpConfig {
        Objects.requireNonNull(baseUrl, "baseUrl == null");
        Objects.requireNonNull(transport, "transport == null");
        Objects.requireNonNull(caFile, "caFile == null");
        Objects.requireNonNull(httpProxy, "httpProxy == null");
        Objects.requireNonNull(connectTimeout, "connectTimeout == null");
        Objects.requireNonNull(readTimeout, "readTimeout == null");
        Objects.requireNonNull(callTimeout, "callTimeout == null");
        Objects.requireNonNull(proxyUser, "proxyUser == null");
        Objects.requireNonNull(proxyPassword, "proxyPassword == null");
        if (httpProxy.isPresent() && httpProxy.get().getRawUserInfo() != null) {
            throw new IllegalArgumentException("httpProxy must not carry user info");
        }
        if (proxyUser.isPresent() != proxyPassword.isPresent()) {
            throw new IllegalArgumentException("proxyUser and proxyPassword go together");
        }
    }

    /** Without a call timeout or proxy credentials: the default call timeout, no proxy authentication. */
    public FortiCnpConfig(URI baseUrl, Transport transport, Optional<Path> caFile, Optional<URI> httpProxy,
            Duration connectTimeout, Duration readTimeout, boolean allowInsecureHttp) {
        this(baseUrl, transport, caFile, httpProxy, connectTimeout, readTimeout, allowInsecureHttp,
                HttpRefresherBuilder.DEFAULT_CALL_TIMEOUT, Optional.empty(), Optional.empty());
    }

    /** The port of {@code proxy} (the {@link #httpProxy} URL), its scheme's default when it names none. */
    public static int proxyPort(URI proxy) {
        return proxy.getPort() > 0 ? proxy.getPort() : "https".equalsIgnoreCase(proxy.getScheme()) ? 443 : 80;
    }

    /** The configuration without secrets or user names: the proxy's user only as "set". */
    @Override
    public String toString() {
        return "FortiCnpConfig[baseUrl=" + baseUrl + ", transport=" + transport + ", caFile=" + caFile + ", httpProxy="
                + httpProxy + (proxyUser.isPresent() ? " with basic authentication" : "") + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", callTimeout=" + callTimeout + ", allowInsecureHttp=" + allowInsecureHttp + "]";
    }

    static FortiCnpConfig from(ValueParser p) {
        URI baseUrl = baseUrl(p);
        boolean allowInsecureHttp = p.bool(Key.ALLOW_INSECURE_HTTP, false);
        if (baseUrl.getScheme().equalsIgnoreCase("http") && !allowInsecureHttp && !isLoopback(baseUrl.getHost())) {
            throw ConfigException.of(Key.BASE_URL, p.origin(Key.BASE_URL), "plain http:// to " + baseUrl.getHost()
                    + " would send the credential and tokens unencrypted; use https, or set allow_insecure_http: true");
        }
        Optional<URI> proxyWithUser = p.httpUri(Key.HTTP_PROXY, true);
        Optional<String> userInUrl = proxyWithUser.map(URI::getUserInfo);
        Optional<String> userKey = p.text(Key.HTTP_PROXY_USER);
        if (userInUrl.isPresent() && userKey.isPresent()) {
            throw ConfigException.of(Key.HTTP_PROXY_USER, p.origin(Key.HTTP_PROXY_USER),
                    "the proxy user is also in http_proxy (from " + p.origin(Key.HTTP_PROXY) + "); give it once");
        }
        Optional<String> user = userInUrl.or(() -> userKey);
        Optional<Secret> password = proxyPassword(p);
        if (password.isPresent() && proxyWithUser.isEmpty()) {
            throw ConfigException.of(passwordKey(p), p.origin(passwordKey(p)), "a proxy password needs http_proxy");
        }
        if (password.isPresent() && user.isEmpty()) {
            throw ConfigException.of(passwordKey(p), p.origin(passwordKey(p)),
                    "a proxy password needs a proxy user: http_proxy_user, or http://user@host:port in http_proxy");
        }
        if (user.isPresent() && password.isEmpty()) {
            Key where = userKey.isPresent() ? Key.HTTP_PROXY_USER : Key.HTTP_PROXY;
            throw ConfigException.of(where, p.origin(where),
                    "a proxy user needs a password: set CNP_HTTP_PROXY_PASSWORD or http_proxy_password_file");
        }
        if (user.isPresent() && (user.get().isBlank() || user.get().chars().anyMatch(Character::isISOControl))) {
            Key where = userKey.isPresent() ? Key.HTTP_PROXY_USER : Key.HTTP_PROXY;
            throw ConfigException.of(where, p.origin(where), "the proxy user must not be blank or hold control characters");
        }
        return new FortiCnpConfig(
                baseUrl,
                p.choice(Key.TRANSPORT, Transport.class, Transport.FEIGN),
                p.existingFile(Key.CA_FILE),
                proxyWithUser.map(FortiCnpConfig::withoutUserInfo),
                p.duration(Key.CONNECT_TIMEOUT, Duration.ofSeconds(10), Duration.ofMillis(1), MAX_TIMEOUT),
                p.duration(Key.READ_TIMEOUT, Duration.ofSeconds(30), Duration.ofMillis(1), MAX_TIMEOUT),
                allowInsecureHttp,
                p.duration(Key.CALL_TIMEOUT, HttpRefresherBuilder.DEFAULT_CALL_TIMEOUT, Duration.ofMillis(1), MAX_TIMEOUT),
                user,
                password);
    }

    /** {@code CNP_HTTP_PROXY_PASSWORD} or the file {@code http_proxy_password_file} names; not both. */
    private static Optional<Secret> proxyPassword(ValueParser p) {
        Optional<Secret> direct = p.secret(Key.HTTP_PROXY_PASSWORD);
        Optional<Secret> file = p.secretFile(Key.HTTP_PROXY_PASSWORD_FILE);
        if (direct.isPresent() && file.isPresent()) {
            throw ConfigException.of(Key.HTTP_PROXY_PASSWORD_FILE, p.origin(Key.HTTP_PROXY_PASSWORD_FILE),
                    "the proxy password is also set in " + Key.HTTP_PROXY_PASSWORD.envName() + "; give it once");
        }
        return direct.or(() -> file);
    }

    private static Key passwordKey(ValueParser p) {
        return p.raw(Key.HTTP_PROXY_PASSWORD).isPresent() ? Key.HTTP_PROXY_PASSWORD : Key.HTTP_PROXY_PASSWORD_FILE;
    }

    private static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("a checked URL cannot be rebuilt", e);
        }
    }

    /**
     * Whether {@code host} is {@code localhost} or a loopback IP literal, names not resolved: the
     * HTTP adapters' rule, checked here first so that the message names the key.
     */
    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static URI baseUrl(ValueParser p) {
        Optional<ConfigSources.Value> v = p.raw(Key.BASE_URL);
        if (v.isEmpty()) {
            return HttpRefresherBuilder.GLOBAL_BASE_URL;
        }
        switch (v.get().text().strip().toLowerCase(Locale.ROOT)) {
            case "global":
                return HttpRefresherBuilder.GLOBAL_BASE_URL;
            case "eu":
                return HttpRefresherBuilder.EU_BASE_URL;
            default:
                URI uri = p.httpUri(Key.BASE_URL).orElseThrow();
                if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    throw ConfigException.of(Key.BASE_URL, v.get(), "must be a plain URL without user info, query or fragment");
                }
                return uri;
        }
    }
}
