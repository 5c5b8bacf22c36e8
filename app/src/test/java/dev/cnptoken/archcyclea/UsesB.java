package dev.cnptoken.archcyclea;

/** Fixture: half of a cycle between two top-level packages. */
public class UsesB {
    public Object other() {
        return new dev.cnptoken.archcycleb.UsesA();
    }
}
