package dev.cnptoken.app.wiring;

import dev.cnptoken.adapters.http.common.HttpRefresherBuilder;
import dev.cnptoken.adapters.http.feign.FeignTokenRefresher;
import dev.cnptoken.adapters.http.retrofit.RetrofitTokenRefresher;
import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.app.config.FortiCnpConfig;
import dev.cnptoken.domain.port.TokenRefresher;
import java.net.URI;

/** Creates the configured {@link TokenRefresher}. */
public final class Transports {
    private Transports() {}

    /** The transport the configuration names, for its base URL. */
    public static TokenRefresher create(AppConfig config) {
        return create(config, config.forticnp().baseUrl());
    }

    /** The transport the configuration names, for another base URL (the demo's simulator). */
    public static TokenRefresher create(AppConfig config, URI baseUrl) {
        return create(config.forticnp(), baseUrl);
    }

    private static TokenRefresher create(FortiCnpConfig config, URI baseUrl) {
        String userAgent = "cnp-token/" + version();
        try {
            HttpRefresherBuilder<?, ?> b = switch (config.transport()) {
                case FEIGN -> FeignTokenRefresher.builder();
                case RETROFIT -> RetrofitTokenRefresher.builder();
            };
            b.baseUrl(baseUrl)
                    .connectTimeout(config.connectTimeout())
                    .readTimeout(config.readTimeout())
                    .callTimeout(config.callTimeout())
                    .allowPlainHttp(config.allowInsecureHttp())
                    .userAgent(userAgent);
            config.caFile().ifPresent(b::trustedCertificates);
            config.httpProxy().ifPresent(p -> b.proxy(p.getHost(), FortiCnpConfig.proxyPort(p)));
            if (config.proxyUser().isPresent() && config.proxyPassword().isPresent()) {
                char[] password = config.proxyPassword().get().value().toCharArray();
                try {
                    b.proxyAuthentication(config.proxyUser().get(), password);
                } finally {
                    java.util.Arrays.fill(password, '\0');
                }
            }
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Builders name the setting that is wrong and never echo a secret.
            throw new ConfigException("transport=" + config.transport().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage());
        }
    }

    private static String version() {
        String v = Transports.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
