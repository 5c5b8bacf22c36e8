package dev.cnptoken.app.daemon;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The address the endpoints are bound to, as a client should write it: IPv6 in brackets, and a
 * wildcard address ({@code 0.0.0.0}, {@code ::}) replaced by the loopback address, which reaches it
 * from this host.
 *
 * @param bound the bound (resolved) address and port
 */
record ListenAddress(InetSocketAddress bound) {
    ListenAddress {
        Objects.requireNonNull(bound, "bound == null");
        if (bound.isUnresolved()) {
            throw new IllegalArgumentException("bound is unresolved");
        }
    }

    /** Whether only this host can reach the endpoints. */
    boolean isLoopback() {
        return bound.getAddress().isLoopbackAddress();
    }

    /** Whether every interface of this host listens (a bare port, {@code :port}, {@code 0.0.0.0}, {@code ::}). */
    boolean isWildcard() {
        return bound.getAddress().isAnyLocalAddress();
    }

    /** {@code host:port} as bound, IPv6 in brackets: {@code 0.0.0.0:9464}, {@code [::1]:9464}. */
    String hostPort() {
        return literal(bound.getAddress()) + ":" + bound.getPort();
    }

    /** A base URL a client on this host can open: {@code http://127.0.0.1:9464}, {@code http://[::1]:9464}. */
    String url() {
        InetAddress a = bound.getAddress();
        String host = a.isAnyLocalAddress() ? (a instanceof Inet6Address ? "[::1]" : "127.0.0.1") : literal(a);
        return "http://" + host + ":" + bound.getPort();
    }

    private static String literal(InetAddress a) {
        String text = a.getHostAddress();
        if (a instanceof Inet6Address) {
            int zone = text.indexOf('%');
            String bare = zone < 0 ? text : text.substring(0, zone);
            return "[" + compress(bare) + "]";
        }
        return text;
    }

    /** {@code 0:0:0:0:0:0:0:1} as {@code ::1}: the longest run of zero groups becomes {@code ::}. */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestLength < 2) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
