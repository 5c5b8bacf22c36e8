package dev.cnptoken.adapters.http.common;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** Checks and normalises a FortiCNP base URL. */
final class BaseUrls {
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private BaseUrls() {}

    /**
     * @return the URL without a trailing slash
     * @throws IllegalArgumentException for anything but an absolute http(s) URL with a host and no
     *     user info, query or fragment, and for plain http to a host that is not loopback unless
     *     {@code allowPlainHttp}
     */
    static URI check(URI url, boolean allowPlainHttp) {
        Objects.requireNonNull(url, "baseUrl == null");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("baseUrl must be an absolute http or https URL");
        }
        if (url.getRawUserInfo() != null) {
            // never echo it: user info is a credential
            throw new IllegalArgumentException("baseUrl must not carry user info");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("baseUrl has no host");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("baseUrl must not have a query or a fragment");
        }
        if (scheme.equals("http") && !allowPlainHttp && !isLoopback(url.getHost())) {
            throw new IllegalArgumentException("baseUrl " + url.getHost()
                    + " uses plain http to a host that is not loopback; use https or allowPlainHttp(true)");
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new URI(scheme + "://" + url.getRawAuthority() + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("baseUrl is not a valid URL", e);
        }
    }

    /** Whether {@code host} is localhost or a loopback IP literal; names are not resolved. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!IPV4.matcher(h).matches() && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** {@code host:port} for messages. */
    static String hostPort(URI url) {
        int port = url.getPort() >= 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
        return url.getHost() + ":" + port;
    }
}
