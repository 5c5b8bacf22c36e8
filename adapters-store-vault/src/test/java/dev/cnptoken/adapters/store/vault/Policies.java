package dev.cnptoken.adapters.store.vault;

import dev.cnptoken.testkit.vault.VaultEmulator;

/** The least-privilege policies of docs/store-vault.md, installed in an emulator. */
final class Policies {
    static final String WRITER = "cnp-token-writer";
    static final String READER = "cnp-token-reader";

    private Policies() {}

    /** The rotation job: read and write both secrets of every account, list the accounts. */
    static void installWriter(VaultEmulator vault, String mount, String prefix) {
        vault.addPolicy(WRITER, mount + "/data/" + prefix + "/*", "create", "read", "update");
        vault.addPolicy(WRITER, mount + "/metadata/" + prefix + "/*", "list");
    }

    /** A consumer: read the access secret of every account, nothing else. */
    static void installReader(VaultEmulator vault, String mount, String prefix) {
        vault.addPolicy(READER, mount + "/data/" + prefix + "/+/access", "read");
    }
}
