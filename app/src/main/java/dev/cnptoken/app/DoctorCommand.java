package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.wiring.AppRuntime;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.SecretFileRule;
import dev.cnptoken.domain.TokenException;
import dev.cnptoken.domain.TokenState;
import dev.cnptoken.domain.VersionedState;
import dev.cnptoken.domain.port.CasResult;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Checks the configuration, FortiCNP, the credentials and the store.",
    "",
    "Checks the configuration, that FortiCNP answers over the configured transport (TLS included), "
        + "the credentials of the configured accounts, the store's read and write permissions and the modes of "
        + "the store directory and the secret files (key, credential, password and token files), and says "
        + "plainly what is wrong. Exit 0 when every check passes."
}, footerHeading = "%nExample:%n", footer = {
    "  cnp-token --config /etc/cnp-token/config.yaml doctor"
})
final class DoctorCommand implements Callable<Integer> {
    private static final AccountId PROBE = AccountId.of("cnp-token-doctor-probe");

    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final List<ExitCode> problems = new ArrayList<>();

    @Override
    public Integer call() {
        AppConfig config;
        try {
            config = root.config();
        } catch (ConfigException e) {
            fail(ExitCode.CONFIG, "configuration", e.getMessage());
            return ExitCode.CONFIG.code();
        }
        ok("configuration", "file " + config.sources().file().map(Object::toString).orElse("(none, defaults and environment)")
                + "; transport " + lower(config.forticnp().transport()) + ", store " + lower(config.store()) + ", base URL " + config.forticnp().baseUrl());
        checkFileModes(config);
        AppRuntime runtime;
        try {
            runtime = root.runtime(config);
        } catch (ConfigException e) {
            fail(ExitCode.CONFIG, "adapters", e.getMessage());
            return ExitCode.worst(problems).code();
        } catch (TokenException e) {
            fail(ExitCode.of(e.failure()), "store", e.failure().describe());
            return ExitCode.worst(problems).code();
        }
        try (runtime) {
            checkFortiCnp(runtime, config);
            List<AccountId> accounts = checkStore(runtime, config);
            checkCredentials(runtime, accounts);
        }
        if (problems.isEmpty()) {
            root.io.out().println("doctor: everything looks right");
        }
        return ExitCode.worst(problems).code();
    }

    /**
     * Reports the mode of the store directory, the reader directory, and every secret file, under
     * {@link SecretFileRule}: fail when group or others can write, warn when they can read.
     */
    private void checkFileModes(AppConfig config) {
        if (config.store() == AppConfig.StoreKind.FILE) {
            // with reader files under it, group members must enter the store directory: 0710 or 0750 is meant
            report("token store directory", config.file().directory(), true, config.file().readers().isPresent());
            config.file().readers().ifPresent(r -> report("reader directory", r.directory(), true, true));
        }
        for (var e : config.secretFiles().entrySet()) {
            report(e.getKey().fileName().replace('_', ' '), e.getValue(), false, false);
        }
        config.credentials().directory().ifPresent(dir -> {
            report("credential directory", dir, true, true);
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                    List<Path> files = new ArrayList<>();
                    for (Path f : entries) {
                        // Kubernetes mounts add ..data and ..<timestamp> entries: only account names count
                        if (AccountId.parse(f.getFileName().toString()).isPresent() && Files.isRegularFile(f)) {
                            files.add(f);
                        }
                    }
                    files.sort(null);
                    files.forEach(f -> report("credential file", f, false, false));
                } catch (IOException e) {
                    warn("file mode", "cannot list the credential directory " + dir + " (" + e.getClass().getSimpleName() + ")");
                }
            }
        });
    }

    private void report(String what, Path path, boolean directory, boolean mayBeReadable) {
        if (!Files.exists(path)) {
            return; // a missing file or directory is reported by the checks that need it
        }
        try {
            SecretFileRule.Verdict v = directory ? SecretFileRule.directory(path, what) : SecretFileRule.secretFile(path, what);
            switch (v.level()) {
                case REFUSE -> fail(ExitCode.CONFIG, "file mode", v.message());
                case WARN -> {
                    if (mayBeReadable) {
                        ok("file mode", what + " " + path + " is " + v.mode());
                    } else {
                        warn("file mode", v.message());
                    }
                }
                case OK -> ok("file mode", what + " " + path + " is " + v.mode());
            }
        } catch (IOException e) {
            warn("file mode", "cannot read the mode of " + what + " " + path + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void checkFortiCnp(AppRuntime runtime, AppConfig config) {
        // A refresh with a made-up refresh token: a refusal proves the API answers over this transport and TLS set-up.
        try {
            runtime.refresher().refresh(new RefreshToken("cnp-token-doctor-probe-not-a-real-token"));
            fail(ExitCode.TRANSIENT, "forticnp", "accepted a made-up refresh token: " + config.forticnp().baseUrl() + " is not FortiCNP");
        } catch (TokenException e) {
            Failure f = e.failure();
            if (f instanceof Failure.Rejected r && r.subject() == Failure.Subject.REFRESH_TOKEN) {
                ok("forticnp", config.forticnp().baseUrl() + " answers (refused a made-up refresh token as it should)");
            } else if (f instanceof Failure.Rejected r && r.status().equals(java.util.OptionalInt.of(407))) {
                fail(ExitCode.CONFIG, "forticnp", f.describe() + " - check http_proxy_user and its password");
            } else if (f instanceof Failure.Rejected) {
                fail(ExitCode.CONFIG, "forticnp", f.describe() + " - check base_url");
            } else {
                fail(ExitCode.TRANSIENT, "forticnp", f.describe() + hint(f));
            }
        }
    }

    private List<AccountId> checkStore(AppRuntime runtime, AppConfig config) {
        List<AccountId> stored = List.of();
        try {
            stored = runtime.store().accounts();
            ok("store read", lower(config.store()) + " store lists " + stored.size() + " account(s)");
        } catch (TokenException e) {
            fail(ExitCode.of(e.failure()), "store read", e.failure().describe());
            return config.accounts();
        }
        try {
            Instant now = runtime.clock().instant();
            TokenState probe = new TokenState(new dev.cnptoken.domain.AccessToken("probe"), "bearer", now, new RefreshToken("probe"),
                    now, now, Optional.empty(), Optional.empty(), Optional.empty());
            // A version no state has: the store checks access and compares, and writes nothing.
            CasResult r = runtime.store().compareAndSet(PROBE, Long.MAX_VALUE, probe);
            if (r.written()) {
                fail(ExitCode.STORE, "store write", "wrote with a version that cannot match: the store does not compare-and-set");
            } else {
                ok("store write", "compare-and-set answered (nothing written)");
            }
        } catch (TokenException e) {
            fail(ExitCode.of(e.failure()), "store write", e.failure().describe());
        }
        List<AccountId> all = new ArrayList<>(config.accounts());
        for (AccountId a : stored) {
            if (!all.contains(a)) {
                all.add(a);
            }
        }
        Instant now = runtime.clock().instant();
        for (AccountId a : all) {
            try {
                Optional<VersionedState> v = runtime.store().read(a);
                if (v.isEmpty()) {
                    fail(ExitCode.CONFIG, "account " + a, "no tokens stored: run 'cnp-token login --account " + a + "'");
                } else if (!v.get().state().accessValidAt(now)) {
                    fail(ExitCode.TRANSIENT, "account " + a, "access token expired at " + v.get().state().accessExpiresAt()
                            + v.get().state().lastFailure().map(n -> "; last error: " + n.detail()).orElse(""));
                } else {
                    ok("account " + a, "valid until " + v.get().state().accessExpiresAt()
                            + ", refresh token expires " + runtime.engine().refreshTokenExpiresAt(v.get().state()));
                }
            } catch (TokenException e) {
                fail(ExitCode.of(e.failure()), "account " + a, e.failure().describe());
            }
        }
        return all;
    }

    private void checkCredentials(AppRuntime runtime, List<AccountId> accounts) {
        for (AccountId a : accounts) {
            try {
                boolean configured = runtime.credentials().credential(a).isPresent();
                boolean stored = runtime.store().read(a).map(v -> v.state().credential().isPresent()).orElse(false);
                if (configured || stored) {
                    ok("credential " + a, configured ? "configured" : "kept in the store");
                } else {
                    warn("credential " + a, "none: the account cannot log in again by itself when its refresh token runs out;"
                            + " set " + dev.cnptoken.app.wiring.ConfiguredCredentials.envName(a) + " or credential_dir");
                }
            } catch (TokenException e) {
                fail(ExitCode.of(e.failure()), "credential " + a, e.failure().describe());
            }
        }
    }

    private static String hint(Failure f) {
        String d = f.describe().toLowerCase(java.util.Locale.ROOT);
        if (d.contains("certificate") || d.contains("tls") || d.contains("ssl") || d.contains("pkix")) {
            return " - TLS: if a proxy inspects TLS, set ca_file to its CA certificate";
        }
        return "";
    }

    private void ok(String what, String detail) {
        root.io.out().println("[ ok ] " + what + ": " + detail);
    }

    private void warn(String what, String detail) {
        root.io.out().println("[warn] " + what + ": " + detail);
    }

    private void fail(ExitCode code, String what, String detail) {
        problems.add(code);
        root.io.out().println("[FAIL] " + what + ": " + detail);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }
}
