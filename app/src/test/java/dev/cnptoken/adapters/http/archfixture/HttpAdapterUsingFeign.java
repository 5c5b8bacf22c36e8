package dev.cnptoken.adapters.http.archfixture;

/**
 * Fixture: an HTTP adapter that uses another HTTP adapter. Breaks the adapter rule on purpose: the
 * exemption for the shared HTTP support module must not extend to the adapters themselves.
 */
public class HttpAdapterUsingFeign {
    public Object other() {
        return dev.cnptoken.adapters.http.feign.FeignTokenRefresher.builder();
    }
}
