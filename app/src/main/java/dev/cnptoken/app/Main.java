package dev.cnptoken.app;

/** The {@code cnp-token} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(0);
    }
}
