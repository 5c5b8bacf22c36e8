package dev.cnptoken.micrometer.archfixture;

/** Fixture: metrics-module code that uses a store adapter. Breaks the metrics rule on purpose. */
public class MetricsUsingAnAdapter {
    public Object store(java.nio.file.Path dir) {
        return dev.cnptoken.adapters.store.file.FileTokenStore.builder().directory(dir).build();
    }
}
