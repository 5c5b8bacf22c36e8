package dev.cnptoken.app.config;

import dev.cnptoken.domain.SecretText;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns one key's raw value into a typed value, or refuses it with a {@link ConfigException} naming
 * the key and where the value came from ({@code refresh_margin (from CNP_REFRESH_MARGIN): must be
 * positive, got -5m}). Never quotes the value of a secret key.
 */
final class ValueParser {
    private final ConfigSources sources;

    ValueParser(ConfigSources sources) {
        this.sources = Objects.requireNonNull(sources, "sources == null");
    }

    Optional<ConfigSources.Value> raw(Key key) {
        return sources.get(key);
    }

    /** Where {@code key}'s value came from, or {@code default} when it is not set. */
    String origin(Key key) {
        return raw(key).map(ConfigSources.Value::origin).orElse("default");
    }

    /** A plain text value, stripped; blank is refused. */
    Optional<String> text(Key key) {
        return raw(key).map(v -> {
            String t = v.text().strip();
            if (t.isEmpty()) {
                throw ConfigException.of(key, v, "is blank; leave the key out for the default");
            }
            return t;
        });
    }

    String text(Key key, String fallback) {
        return text(key).orElse(fallback);
    }

    /** A secret given directly (environment only), stripped; blank is refused, the value never shown. */
    Optional<Secret> secret(Key key) {
        return raw(key).map(v -> {
            String t = SecretText.clean(v.text());
            if (t.isEmpty()) {
                throw ConfigException.of(key, v, "is blank");
            }
            return new Secret(t, v.origin());
        });
    }

    /** The secret in the file a key names; an empty, oversized or unreadable file is refused. */
    Optional<Secret> secretFile(Key key) {
        return existingFile(key).map(p -> {
            String origin = origin(key);
            try {
                String text = SecretFiles.read(p, key.fileName().replace('_', ' '));
                if (text.isEmpty()) {
                    throw ConfigException.of(key, origin, p + " is empty");
                }
                return new Secret(text, p.toString());
            } catch (SecretFiles.UnsafeFileException e) {
                throw ConfigException.of(key, origin, e.getMessage());
            } catch (SecretText.TooLarge e) {
                throw ConfigException.of(key, origin, p + " holds " + e.getMessage() + "; it must hold one secret");
            } catch (IOException e) {
                throw ConfigException.of(key, origin, "cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
            }
        });
    }

    <E extends Enum<E>> E choice(Key key, Class<E> type, E fallback) {
        Optional<ConfigSources.Value> v = raw(key);
        if (v.isEmpty()) {
            return fallback;
        }
        String text = v.get().text().strip().toUpperCase(Locale.ROOT);
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(text)) {
                return e;
            }
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw ConfigException.of(key, v.get(), "'" + safe(v.get().text()) + "' is not one of " + String.join(", ", names));
    }

    boolean bool(Key key, boolean fallback) {
        Optional<ConfigSources.Value> v = raw(key);
        if (v.isEmpty()) {
            return fallback;
        }
        String t = v.get().text().strip().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("yes") || t.equals("1")) {
            return true;
        }
        if (t.equals("false") || t.equals("no") || t.equals("0")) {
            return false;
        }
        throw ConfigException.of(key, v.get(), "'" + safe(t) + "' is not true or false");
    }

    int integer(Key key, int fallback, int min, int max) {
        Optional<ConfigSources.Value> v = raw(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.get().text().strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ConfigException.of(key, v.get(), "'" + safe(v.get().text()) + "' is not a whole number from " + min + " to " + max);
        }
    }

    /** A duration, unchecked but for its syntax. */
    Optional<Duration> duration(Key key) {
        return raw(key).map(v -> {
            try {
                return DurationText.parse(v.text());
            } catch (DateTimeParseException | ArithmeticException e) {
                throw ConfigException.of(key, v, "'" + safe(v.text()) + "' is not a duration such as 30s, 5m, 8h");
            }
        });
    }

    /**
     * A duration within {@code [min, max]}; {@code min} zero means "not negative", otherwise the
     * value must be positive too. The fallback is not checked.
     */
    Duration duration(Key key, Duration fallback, Duration min, Duration max) {
        Optional<Duration> d = duration(key);
        if (d.isEmpty()) {
            return fallback;
        }
        ConfigSources.Value v = raw(key).orElseThrow();
        if (d.get().isNegative() || (d.get().isZero() && !min.isZero())) {
            throw ConfigException.of(key, v, (min.isZero() ? "must not be negative" : "must be positive") + ", got " + safe(v.text()));
        }
        if (d.get().compareTo(min) < 0) {
            throw ConfigException.of(key, v, "must be at least " + DurationText.format(min) + ", got " + safe(v.text()));
        }
        if (d.get().compareTo(max) > 0) {
            throw ConfigException.of(key, v, "must be at most " + DurationText.format(max) + ", got " + safe(v.text()));
        }
        return d.get();
    }

    /** A path: {@code ~} and {@code ~/} expand to the home directory; blank is refused. */
    Optional<Path> path(Key key) {
        return raw(key).map(v -> path(key, v));
    }

    /** A path that must name a readable regular file now. */
    Optional<Path> existingFile(Key key) {
        return raw(key).map(v -> {
            Path p = path(key, v);
            if (!Files.isRegularFile(p)) {
                throw ConfigException.of(key, v, p + " does not exist or is not a file");
            }
            if (!Files.isReadable(p)) {
                throw ConfigException.of(key, v, p + " is not readable");
            }
            return p;
        });
    }

    /** An {@code http://} or {@code https://} URL with a host and no user info (which could hold a password). */
    Optional<URI> httpUri(Key key) {
        return httpUri(key, false);
    }

    /**
     * An {@code http://} or {@code https://} URL with a host; with {@code userAllowed}, a user name
     * without password ({@code http://user@host}) is accepted, a password never is.
     */
    Optional<URI> httpUri(Key key, boolean userAllowed) {
        return raw(key).map(v -> {
            URI uri;
            try {
                uri = new URI(v.text().strip());
            } catch (URISyntaxException e) {
                throw ConfigException.of(key, v, "not a URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw ConfigException.of(key, v, "'" + safe(redactUserInfo(v.text().strip())) + "' is not an http(s) URL with a host");
            }
            if (uri.getRawUserInfo() != null && !userAllowed) {
                throw ConfigException.of(key, v, "must not contain user info (user:password@), it would show in logs");
            }
            if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
                throw ConfigException.of(key, v, "must not contain a password (user:password@): give only the user there, and the"
                        + " password in CNP_HTTP_PROXY_PASSWORD or http_proxy_password_file");
            }
            return uri;
        });
    }

    static Path path(Key key, ConfigSources.Value v) {
        String t = v.text().strip();
        if (t.isEmpty()) {
            throw ConfigException.of(key, v, "is blank; name a path, or leave the key out for the default");
        }
        try {
            if (t.equals("~") || t.startsWith("~/")) {
                return Path.of(System.getProperty("user.home") + t.substring(1));
            }
            return Path.of(t);
        } catch (InvalidPathException e) {
            throw ConfigException.of(key, v, "'" + safe(t) + "' is not a valid path");
        }
    }

    /** At most 100 characters of {@code s}, control characters replaced, for quoting in a message. */
    static String safe(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * {@code text} with the user info of a URL in it ({@code scheme://user:password@host}) replaced
     * by {@code ***}, whether or not the text parses as a URI: the authority is what follows {@code
     * ://} up to the first {@code /}, {@code ?} or {@code #}, its user info everything before its
     * last {@code @}.
     */
    static String redactUserInfo(String text) {
        int scheme = text.indexOf("://");
        if (scheme < 0) {
            int at = text.lastIndexOf('@');
            return at < 0 ? text : "***" + text.substring(at);
        }
        int start = scheme + 3;
        int end = start;
        while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        int at = text.lastIndexOf('@', end - 1);
        return at < start ? text : text.substring(0, start) + "***" + text.substring(at);
    }
}
