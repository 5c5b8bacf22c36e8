package dev.cnptoken.domain.engine;

import dev.cnptoken.domain.Lease;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Names this process in leases: {@code <host>/<pid>/<8 random hex>}, at most {@value #MAX_LENGTH}
 * characters, with the host taken from the environment rather than a DNS lookup.
 *
 * <p>The host is {@code HOSTNAME} (Kubernetes sets it to the pod name), else {@code COMPUTERNAME}
 * (Windows), else {@code localhost}. The random part tells apart two processes that share a host
 * name and a process id (containers all run as pid 1).
 */
final class InstanceId {
    /** The longest instance id: what a {@link Lease} accepts as its owner. */
    static final int MAX_LENGTH = Lease.MAX_OWNER_LENGTH;

    private InstanceId() {}

    /** A new id for this process. */
    static String generate() {
        return of(System::getenv, ProcessHandle.current().pid(), UUID.randomUUID().toString().substring(0, 8));
    }

    /** The id for {@code pid} and {@code random} on the host that {@code env} names; the host part is cut to fit. */
    static String of(UnaryOperator<String> env, long pid, String random) {
        String tail = "/" + pid + "/" + random;
        String host = host(env);
        int room = MAX_LENGTH - tail.length();
        return (host.length() > room ? host.substring(0, room) : host) + tail;
    }

    /** {@code id}, if it is a valid instance id: 1-{@value #MAX_LENGTH} characters, not blank. */
    static String checked(String id) {
        Objects.requireNonNull(id, "instanceId == null");
        if (id.isBlank() || id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("instanceId must be 1-" + MAX_LENGTH + " characters");
        }
        return id;
    }

    private static String host(UnaryOperator<String> env) {
        for (String name : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String value = env.apply(name);
            if (value != null && !value.isBlank()) {
                // a slash would blur the id's three parts; control characters have no place in a log line
                return value.strip().replaceAll("[/\\s\\p{Cntrl}]", "-");
            }
        }
        return "localhost";
    }
}
