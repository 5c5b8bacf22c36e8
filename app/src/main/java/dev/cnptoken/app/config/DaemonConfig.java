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

    static DaemonConfig from(ValueParser p) {
        Optional<ConfigSources.Value> v = p.raw(Key.LISTEN);
        if (v.isEmpty()) {
            return new DaemonConfig(new InetSocketAddress("127.0.0.1", 9464));
        }
        String text = v.get().text().strip();
        int colon = text.lastIndexOf(':');
        try {
            String host = colon <= 0 ? "0.0.0.0" : text.substring(0, colon);
            int port = Integer.parseInt(colon < 0 ? text : text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new DaemonConfig(new InetSocketAddress(host.replace("[", "").replace("]", ""), port));
        } catch (NumberFormatException e) {
            throw ConfigException.of(Key.LISTEN, v.get(), "'" + ValueParser.safe(text) + "' is not host:port");
        }
    }
}
