package dev.cnptoken.adapters.store.archfixture;

/**
 * Fixture: a store adapter that uses the HTTP adapters' support module. Breaks the adapter rule on
 * purpose: only HTTP adapters may use it.
 */
public class StoreUsingHttpSupport {
    public Object support() {
        return dev.cnptoken.adapters.http.common.TokenAnswers.where(dev.cnptoken.domain.TokenCall.LOGIN);
    }
}
