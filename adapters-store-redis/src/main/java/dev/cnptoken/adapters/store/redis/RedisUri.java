package dev.cnptoken.adapters.store.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed {@code redis://} or {@code rediss://} URI. Parsing never echoes the input in an error
 * message, because the input may carry a password.
 *
 * <p>Form: {@code redis[s]://[[user]:password@]host[:port][/database][?option=value&...]} with the
 * options {@code connectTimeout} and {@code timeout} (milliseconds), {@code poolSize} and {@code
 * clientName}. User info without a colon ({@code user@host}) names the user only; the password then
 * has to come from elsewhere (the builder), which keeps it out of the URI.
 */
record RedisUri(
        boolean tls,
        String host,
        int port,
        Optional<String> user,
        Optional<String> password,
        boolean userWithoutPassword,
        OptionalInt database,
        Optional<Duration> connectTimeout,
        Optional<Duration> socketTimeout,
        OptionalInt poolSize,
        Optional<String> clientName) {

    static final int DEFAULT_PORT = 6379;

    static RedisUri parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            // e.getMessage() quotes the input, password included: say where, not what
            throw new IllegalArgumentException("redis URI is not a valid URI (problem at index " + e.getIndex() + ": "
                    + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls;
        if (scheme.equals("redis")) {
            tls = false;
        } else if (scheme.equals("rediss")) {
            tls = true;
        } else {
            throw new IllegalArgumentException("redis URI must start with redis:// or rediss://, got scheme \""
                    + printable(scheme) + "\"");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("redis URI has no host (form: " + scheme + "://[user:password@]host[:port][/db])");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();

        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        boolean userWithoutPassword = false;
        String userInfo = uri.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                // "user@host": the password comes from the builder, never guessed from the user part
                user = nonEmpty(userInfo);
                userWithoutPassword = true;
            } else {
                user = nonEmpty(userInfo.substring(0, colon));
                password = nonEmpty(userInfo.substring(colon + 1));
            }
        }

        OptionalInt database = OptionalInt.empty();
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/")) {
            String db = path.substring(1);
            if (!db.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("redis URI path must be a database number, got \"" + printable(db) + "\"");
            }
            database = OptionalInt.of(Integer.parseInt(db));
        }

        Map<String, String> options = options(uri.getRawQuery());
        Optional<Duration> connectTimeout = Optional.empty();
        Optional<Duration> socketTimeout = Optional.empty();
        OptionalInt poolSize = OptionalInt.empty();
        Optional<String> clientName = Optional.empty();
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "connectTimeout" -> connectTimeout = Optional.of(Duration.ofMillis(positive("connectTimeout", value)));
                case "timeout" -> socketTimeout = Optional.of(Duration.ofMillis(positive("timeout", value)));
                case "poolSize" -> poolSize = OptionalInt.of((int) Math.min(positive("poolSize", value), Integer.MAX_VALUE));
                case "clientName" -> clientName = Optional.of(value);
                default -> throw new IllegalArgumentException("redis URI has an unknown option \"" + printable(option.getKey())
                        + "\" (known: connectTimeout, timeout, poolSize, clientName)");
            }
        }
        return new RedisUri(tls, uri.getHost(), port, user, password, userWithoutPassword, database, connectTimeout,
                socketTimeout, poolSize, clientName);
    }

    /** The URI without credentials, for messages and {@code toString()}. */
    String redacted() {
        StringBuilder b = new StringBuilder(tls ? "rediss://" : "redis://");
        user.ifPresent(u -> b.append(u).append(':'));
        if (password.isPresent()) {
            b.append("***@");
        } else if (user.isPresent()) {
            b.setLength(b.length() - 1);
            b.append('@');
        }
        b.append(host).append(':').append(port);
        database.ifPresent(d -> b.append('/').append(d));
        return b.toString();
    }

    private static Map<String, String> options(String rawQuery) {
        Map<String, String> options = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return options;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("redis URI option must be name=value, got \"" + printable(pair) + "\"");
            }
            String name = decode(pair.substring(0, eq));
            if (options.put(name, decode(pair.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("redis URI repeats the option \"" + printable(name) + "\"");
            }
        }
        return options;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis URI has a bad %-escape in its options");
        }
    }

    private static long positive(String name, String value) {
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("redis URI option " + name + " must be a positive whole number, got \""
                + printable(value) + "\"");
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return "RedisUri[" + redacted() + "]";
    }
}
