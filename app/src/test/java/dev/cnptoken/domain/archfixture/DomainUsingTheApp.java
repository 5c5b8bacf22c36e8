package dev.cnptoken.domain.archfixture;

/** Fixture: a domain class that depends on the app. Breaks the app rule on purpose. */
public class DomainUsingTheApp {
    public String name() {
        return dev.cnptoken.app.Main.class.getName();
    }
}
