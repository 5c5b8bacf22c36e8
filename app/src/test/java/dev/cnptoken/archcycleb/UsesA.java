package dev.cnptoken.archcycleb;

/** Fixture: the other half of the cycle. */
public class UsesA {
    public Object other() {
        return new dev.cnptoken.archcyclea.UsesB();
    }
}
