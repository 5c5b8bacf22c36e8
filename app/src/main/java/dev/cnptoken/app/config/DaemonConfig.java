package dev.cnptoken.app.config;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What the daemon ({@code run}) serves on: the address of {@code /healthz} and {@code /metrics}.
 *
 * @param listen the address; port 0 picks a free one
 */
public record DaemonConfig(InetSocketAddress listen) {
    public DaemonConfig {
        Objects.requireNonNull(listen, "listen == null");
    }

    /**
     * {@code host:port}, {@code [ipv6]:port} or a bare port (every interface) as an address; port 0
     * picks a free one. The one reading of a listen address, for {@code listen} and {@code --listen}.
     *
     * @throws IllegalArgumentException when it is not that
     */
    public static InetSocketAddress parseListen(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon <= 0 ? "0.0.0.0" : text.substring(0, colon);
        int port = Integer.parseInt(colon < 0 ? text : text.substring(colon + 1));
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        return new InetSocketAddress(host.replace("[", "").replace("]", ""), port);
    }

    static DaemonConfig from(ValueParser p) {
        Optional<ConfigSources.Value> v = p.raw(Key.LISTEN);
        if (v.isEmpty()) {
            return new DaemonConfig(new InetSocketAddress("127.0.0.1", 9464));
        }
        String text = v.get().text().strip();
        try {
            return new DaemonConfig(parseListen(text));
        } catch (IllegalArgumentException e) {
            throw ConfigException.of(Key.LISTEN, v.get(), "'" + ValueParser.safe(text) + "' is not host:port");
        }
    }
}
