package dev.cnptoken.app.archfixture;

/** Fixture: shipped-looking code that uses the testkit. Breaks the testkit rule on purpose. */
public class ShippedCodeUsingTheTestkit {
    public Object credential() {
        return dev.cnptoken.testkit.Sentinels.credential();
    }
}
