package dev.cnptoken.adapters.store.file;

/**
 * A stored file that cannot be read as an account's state. The message is the second half of a
 * sentence that starts with the file's path ("is empty", "has schema_version 7 ...") and never holds
 * stored data.
 */
final class BadDocument extends Exception {
    private static final long serialVersionUID = 1L;

    BadDocument(String detail) {
        super(detail, null, false, false);
    }
}
