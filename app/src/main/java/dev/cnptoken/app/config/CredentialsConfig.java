package dev.cnptoken.app.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the API credentials are configured: one for every account ({@code CNP_CREDENTIAL} or
 * {@code credential_file}) and a directory of per-account files. The files are only named here;
 * they are read at each use, so a renewed credential needs no restart.
 *
 * @param shared the credential for every account, from {@code CNP_CREDENTIAL}
 * @param file a file holding the credential for every account
 * @param directory a directory with one credential file per account, named after the account
 */
public record CredentialsConfig(Optional<Secret> shared, Optional<Path> file, Optional<Path> directory) {
    public CredentialsConfig {
        Objects.requireNonNull(shared, "shared == null");
        Objects.requireNonNull(file, "file == null");
        Objects.requireNonNull(directory, "directory == null");
    }

    static CredentialsConfig from(ValueParser p) {
        return new CredentialsConfig(p.secret(Key.CREDENTIAL), p.path(Key.CREDENTIAL_FILE), p.path(Key.CREDENTIAL_DIR));
    }
}
