package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.TokenException;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.AuthResponse;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vault token this store acts with, and driver instances bound to it.
 *
 * <p>With a fixed token, that token is used as given (whoever issued it renews it). With AppRole,
 * the session logs in on first use, renews its token ({@code auth/token/renew-self}) once less than
 * a third of its lease is left, and logs in again when the token has expired, when renewal is
 * refused, or when renewal can no longer extend it by more than a third of a lease (its max TTL is
 * near). A failed renewal of a still-valid token is logged and tried again on the next call.
 * Renewal happens on the calling thread, before a store operation; there is no background thread.
 *
 * <p>Thread-safe: logins and renewals are serialized, reads of the current token are lock-free.
 */
final class VaultSession {
    private static final Logger LOG = LoggerFactory.getLogger(VaultSession.class);

    /** Never reads the process environment: every setting comes from the builder. */
    private static final class NoEnvironment extends EnvironmentLoader {
        private static final long serialVersionUID = 1L;

        @Override
        public String loadVariable(String name) {
            return null;
        }
    }

    /** A driver bound to one Vault token, with what is known of that token's lifetime. */
    record Bound(Vault vault, Instant expiresAt, Duration lease, boolean renewable) {
        boolean expiredAt(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }

        boolean dueForRenewalAt(Instant now) {
            return expiresAt != null && Duration.between(now, expiresAt).compareTo(lease.dividedBy(3)) <= 0;
        }
    }

    private final String address;
    private final String namespace;
    private final int mountDepth;
    private final HttpClient http;
    private final int requestTimeoutSeconds;
    private final String fixedToken;
    private final String roleId;
    private final String secretId;
    private final String appRoleMount;
    private final Clock clock;
    private volatile Bound current;

    VaultSession(String address, String namespace, int mountDepth, HttpClient http, int requestTimeoutSeconds,
            String fixedToken, String roleId, String secretId, String appRoleMount, Clock clock) {
        this.address = address;
        this.namespace = namespace;
        this.mountDepth = mountDepth;
        this.http = http;
        this.requestTimeoutSeconds = requestTimeoutSeconds;
        this.fixedToken = fixedToken;
        this.roleId = roleId;
        this.secretId = secretId;
        this.appRoleMount = appRoleMount;
        this.clock = clock;
        if (fixedToken != null) {
            current = new Bound(driver(fixedToken), null, Duration.ZERO, false);
        }
    }

    /** Whether this session can get itself a new token (AppRole). */
    boolean logsIn() {
        return fixedToken == null;
    }

    String authName() {
        return logsIn() ? "approle" : "token";
    }

    /** A driver with a token that is valid now, logging in or renewing first when needed. */
    Vault vault() {
        Bound b = current;
        Instant now = clock.instant();
        if (b != null && !b.dueForRenewalAt(now)) {
            return b.vault();
        }
        synchronized (this) {
            b = current;
            now = clock.instant();
            if (b == null || b.expiredAt(now)) {
                current = login(now);
            } else if (b.dueForRenewalAt(now)) {
                current = renewOrLogin(b, now);
            }
            return current.vault();
        }
    }

    /** Forgets the token {@code used} was bound to (Vault refused it), so the next call logs in again. */
    void discard(Vault used) {
        if (!logsIn()) {
            return;
        }
        synchronized (this) {
            if (current != null && current.vault() == used) {
                LOG.info("vault: token refused by Vault, logging in again with AppRole at auth/{}/login", appRoleMount);
                current = null;
            }
        }
    }

    private Bound login(Instant now) {
        AuthResponse r;
        try {
            r = driver(null).auth().loginByAppRole(appRoleMount, roleId, secretId);
        } catch (VaultException e) {
            int status = e.getHttpStatusCode();
            if (status == 400 || status == 401 || status == 403) {
                throw VaultFailures.failure(Reason.PERMISSION_DENIED, "Vault refused the AppRole login at auth/"
                        + appRoleMount + "/login (HTTP " + status + "): check the role_id and secret_id");
            }
            throw VaultFailures.fromException("AppRole login", "auth/" + appRoleMount + "/login", e,
                    "the AppRole auth method is enabled at auth/" + appRoleMount);
        }
        String token = r.getAuthClientToken();
        if (token == null || token.isBlank()) {
            throw VaultFailures.failure(Reason.UNAVAILABLE,
                    "the AppRole login at auth/" + appRoleMount + "/login answered without a client token");
        }
        long seconds = r.getAuthLeaseDuration();
        Instant expires = seconds > 0 ? now.plusSeconds(seconds) : null;
        LOG.debug("vault: logged in with AppRole at auth/{}/login, token ttl {} s, renewable {}", appRoleMount, seconds,
                r.isAuthRenewable());
        return new Bound(driver(token), expires, Duration.ofSeconds(Math.max(seconds, 0)), r.isAuthRenewable());
    }

    private Bound renewOrLogin(Bound b, Instant now) {
        if (!b.renewable()) {
            LOG.debug("vault: token is not renewable and its ttl is running out, logging in again");
            return login(now);
        }
        AuthResponse r;
        try {
            r = b.vault().auth().renewSelf(b.lease().toSeconds());
        } catch (VaultException e) {
            int status = e.getHttpStatusCode();
            if (status >= 400 && status < 500 && !VaultFailures.transientStatus(status)) {
                LOG.info("vault: token renewal refused (HTTP {}), logging in again", status);
                return login(now);
            }
            LOG.warn("vault: token renewal failed ({}), keeping the current token until it expires at {}",
                    status == 0 ? "network" : "HTTP " + status, b.expiresAt());
            return b;
        }
        long seconds = r.getAuthLeaseDuration();
        if (Duration.ofSeconds(seconds).compareTo(b.lease().dividedBy(3)) <= 0) {
            LOG.debug("vault: token renewal granted only {} s (max ttl reached), logging in again", seconds);
            return login(now);
        }
        LOG.debug("vault: token renewed, ttl {} s", seconds);
        return new Bound(b.vault(), now.plusSeconds(seconds), b.lease(), r.isAuthRenewable());
    }

    private Vault driver(String token) {
        try {
            VaultConfig config = new VaultConfig()
                    .environmentLoader(new NoEnvironment())
                    .address(address)
                    .engineVersion(2)
                    .prefixPathDepth(mountDepth)
                    .httpClient(http)
                    .readTimeout(requestTimeoutSeconds);
            if (token != null) {
                config.token(token);
            }
            if (namespace != null) {
                config.nameSpace(namespace);
            }
            return Vault.create(config.build()).withRetries(0, 0);
        } catch (VaultException e) {
            throw VaultFailures.failure(Reason.UNAVAILABLE, "cannot configure the Vault driver for " + address);
        }
    }
}
