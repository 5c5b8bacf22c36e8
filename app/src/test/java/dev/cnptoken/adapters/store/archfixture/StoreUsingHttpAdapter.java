package dev.cnptoken.adapters.store.archfixture;

/** Fixture: a store adapter that uses an HTTP adapter. Breaks the adapter rule on purpose. */
public class StoreUsingHttpAdapter {
    public Object other() {
        return new dev.cnptoken.adapters.http.archfixture.BadlyNamedHttpClient();
    }
}
