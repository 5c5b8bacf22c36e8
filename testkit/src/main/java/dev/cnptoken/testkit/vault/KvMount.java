package dev.cnptoken.testkit.vault;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One KV version 2 secrets engine: versioned secrets with check-and-set, soft delete, metadata and
 * listing. Not thread-safe: the emulator calls it under its own lock.
 */
final class KvMount {
    private static final class Version {
        Map<String, Object> data;
        final Instant created;
        Instant deleted;
        boolean destroyed;

        Version(Map<String, Object> data, Instant created) {
            this.data = data;
            this.created = created;
        }

        boolean readable() {
            return deleted == null && !destroyed;
        }
    }

    private static final class Secret {
        final NavigableMap<Long, Version> versions = new TreeMap<>();
        long currentVersion;
        boolean casRequired;
        final Instant created;
        Instant updated;

        Secret(Instant created) {
            this.created = created;
            this.updated = created;
        }
    }

    private final NavigableMap<String, Secret> secrets = new TreeMap<>();
    private final boolean casRequired;

    KvMount(boolean casRequired) {
        this.casRequired = casRequired;
    }

    /** Whether a secret (metadata) exists at {@code path}: decides between create and update. */
    boolean exists(String path) {
        return secrets.containsKey(path);
    }

    /** GET data/path, latest version or {@code version}. */
    Reply read(String path, Long version) {
        Secret s = secrets.get(path);
        if (s == null || s.currentVersion == 0) {
            return Reply.error(404);
        }
        long n = version == null ? s.currentVersion : version;
        Version v = s.versions.get(n);
        if (v == null) {
            return Reply.error(404);
        }
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("data", v.readable() ? v.data : null);
        inner.put("metadata", versionMetadata(n, v));
        return new Reply(v.readable() ? 200 : 404, envelope(inner));
    }

    /** POST/PUT data/path with {@code {"data": {...}, "options": {"cas": n}}}. */
    @SuppressWarnings("unchecked")
    Reply write(String path, Map<String, Object> body, Instant now) {
        if (!(body.get("data") instanceof Map<?, ?> data)) {
            return Reply.error(400, "no data provided");
        }
        Object options = body.get("options");
        Long cas = null;
        if (options instanceof Map<?, ?> opts && opts.get("cas") != null) {
            if (!(opts.get("cas") instanceof BigDecimal number)) {
                return Reply.error(400, "error parsing cas: expected a number");
            }
            cas = number.longValueExact();
        } else if (options != null && !(options instanceof Map)) {
            return Reply.error(400, "options must be an object");
        }
        Secret s = secrets.get(path);
        boolean required = casRequired || (s != null && s.casRequired);
        if (required && cas == null) {
            return Reply.error(400, "check-and-set parameter required for this call");
        }
        long current = s == null ? 0 : s.currentVersion;
        if (cas != null && cas != current) {
            return Reply.error(400, "check-and-set parameter did not match the current version");
        }
        if (s == null) {
            s = new Secret(now);
            secrets.put(path, s);
        }
        s.currentVersion = current + 1;
        s.updated = now;
        Version v = new Version(new LinkedHashMap<>((Map<String, Object>) data), now);
        s.versions.put(s.currentVersion, v);
        return new Reply(200, envelope(versionMetadata(s.currentVersion, v)));
    }

    /** DELETE data/path: soft-deletes the latest version. */
    Reply softDelete(String path, Instant now) {
        Secret s = secrets.get(path);
        if (s != null && s.currentVersion > 0) {
            Version v = s.versions.get(s.currentVersion);
            if (v.deleted == null) {
                v.deleted = now;
            }
            s.updated = now;
        }
        return Reply.noContent();
    }

    /** POST destroy/path with {@code {"versions": [...]}}: removes those versions' data for good. */
    Reply destroy(String path, Map<String, Object> body) {
        Secret s = secrets.get(path);
        if (s != null && body.get("versions") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof BigDecimal n) {
                    Version v = s.versions.get(n.longValue());
                    if (v != null) {
                        v.destroyed = true;
                        v.data = null;
                    }
                }
            }
        }
        return Reply.noContent();
    }

    /** GET metadata/path. */
    Reply readMetadata(String path) {
        Secret s = secrets.get(path);
        if (s == null) {
            return Reply.error(404);
        }
        Map<String, Object> versions = new LinkedHashMap<>();
        for (Map.Entry<Long, Version> e : s.versions.entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("created_time", e.getValue().created.toString());
            m.put("deletion_time", e.getValue().deleted == null ? "" : e.getValue().deleted.toString());
            m.put("destroyed", e.getValue().destroyed);
            versions.put(Long.toString(e.getKey()), m);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cas_required", s.casRequired || casRequired);
        data.put("created_time", s.created.toString());
        data.put("current_version", s.currentVersion);
        data.put("custom_metadata", null);
        data.put("delete_version_after", "0s");
        data.put("max_versions", 0L);
        data.put("oldest_version", s.versions.isEmpty() ? 0L : s.versions.firstKey());
        data.put("updated_time", s.updated.toString());
        data.put("versions", versions);
        return new Reply(200, envelope(data));
    }

    /** POST metadata/path: only {@code cas_required} is honoured. */
    Reply writeMetadata(String path, Map<String, Object> body, Instant now) {
        Secret s = secrets.computeIfAbsent(path, p -> new Secret(now));
        if (body.get("cas_required") instanceof Boolean b) {
            s.casRequired = b;
        }
        s.updated = now;
        return Reply.noContent();
    }

    /** DELETE metadata/path: every version and the metadata. */
    Reply deleteMetadata(String path) {
        secrets.remove(path);
        return Reply.noContent();
    }

    /** LIST metadata/folder/: the direct children, folders with a trailing slash. */
    Reply list(String folder) {
        String prefix = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
        TreeSet<String> keys = new TreeSet<>();
        for (String path : secrets.tailMap(prefix, true).keySet()) {
            if (!path.startsWith(prefix)) {
                break;
            }
            String rest = path.substring(prefix.length());
            int slash = rest.indexOf('/');
            keys.add(slash < 0 ? rest : rest.substring(0, slash + 1));
        }
        if (keys.isEmpty()) {
            return Reply.error(404);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("keys", new ArrayList<>(keys));
        return new Reply(200, envelope(data));
    }

    private static Map<String, Object> versionMetadata(long n, Version v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("created_time", v.created.toString());
        m.put("custom_metadata", null);
        m.put("deletion_time", v.deleted == null ? "" : v.deleted.toString());
        m.put("destroyed", v.destroyed);
        m.put("version", n);
        return m;
    }

    /** Vault's response envelope around {@code data}. */
    static Map<String, Object> envelope(Map<String, Object> data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", java.util.UUID.randomUUID().toString());
        m.put("lease_id", "");
        m.put("renewable", false);
        m.put("lease_duration", 0L);
        m.put("data", data);
        m.put("wrap_info", null);
        m.put("warnings", null);
        m.put("auth", null);
        return m;
    }
}
