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
 * How to reach FortiCNP: base URL, transport, trust, proxy and timeouts.
 *
 * @param baseUrl the API's base URL ({@code global} and {@code eu} are presets)
 * @param transport the HTTP adapter
 * @param caFile PEM certificates to trust instead of the JVM's
 * @param httpProxy an HTTP proxy, without user info
 * @param connectTimeout the connect timeout, {@code (0, 2m]}
 * @param readTimeout the read timeout, {@code (0, 2m]}
 * @param allowInsecureHttp whether plain {@code http://} to a non-loopback host is allowed
 */
public record FortiCnpConfig(
        URI baseUrl,
        Transport transport,
        Optional<Path> caFile,
        Optional<URI> httpProxy,
        Duration connectTimeout,
        Duration readTimeout,
        boolean allowInsecureHttp) {

    /** The HTTP transports. */
    public enum Transport { FEIGN, RETROFIT }

    /** The longest connect or read timeout: a call that hangs longer holds up every account behind it. */
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);

    public FortiCnpConfig {
        Objects.requireNonNull(baseUrl, "baseUrl == null");
        Objects.requireNonNull(transport, "transport == null");
        Objects.requireNonNull(caFile, "caFile == null");
        Objects.requireNonNull(httpProxy, "httpProxy == null");
        Objects.requireNonNull(connectTimeout, "connectTimeout == null");
        Objects.requireNonNull(readTimeout, "readTimeout == null");
    }

    /** The longest one call may take: connect plus read. */
    public Duration callTimeout() {
        return connectTimeout.plus(readTimeout);
    }

    static FortiCnpConfig from(ValueParser p) {
        URI baseUrl = baseUrl(p);
        boolean allowInsecureHttp = p.bool(Key.ALLOW_INSECURE_HTTP, false);
        if (baseUrl.getScheme().equalsIgnoreCase("http") && !allowInsecureHttp && !isLoopback(baseUrl.getHost())) {
            throw ConfigException.of(Key.BASE_URL, p.origin(Key.BASE_URL), "plain http:// to " + baseUrl.getHost()
                    + " would send the credential and tokens unencrypted; use https, or set allow_insecure_http: true");
        }
        return new FortiCnpConfig(
                baseUrl,
                p.choice(Key.TRANSPORT, Transport.class, Transport.FEIGN),
                p.existingFile(Key.CA_FILE),
                p.httpUri(Key.HTTP_PROXY),
                p.duration(Key.CONNECT_TIMEOUT, Duration.ofSeconds(10), Duration.ofMillis(1), MAX_TIMEOUT),
                p.duration(Key.READ_TIMEOUT, Duration.ofSeconds(30), Duration.ofMillis(1), MAX_TIMEOUT),
                allowInsecureHttp);
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
