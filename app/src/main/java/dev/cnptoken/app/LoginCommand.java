package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.config.ConfigException;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.wiring.AppRuntime;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.VersionedState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "login", mixinStandardHelpOptions = true, versionProvider = Version.class, description = {
    "Logs an account in with its API credential; stores the tokens.",
    "",
    "Bootstraps an account with FortiCNP's Get Credentials Token. The credential is read from "
        + "--credential-file, --credential-stdin, or the configured sources (CNP_CREDENTIAL_<ACCOUNT>, "
        + "credential_dir, CNP_CREDENTIAL, credential_file); never from an argument."
}, footerHeading = "%nExamples:%n", footer = {
    "  cnp-token login --account acme --credential-file /run/secrets/forticnp-acme",
    "  vault kv get -field=credential secret/forticnp/acme \\",
    "      | cnp-token login --account acme --credential-stdin --keep-credential"
})
final class LoginCommand implements Callable<Integer> {
    private static final int MAX_CREDENTIAL_BYTES = 4096;

    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    AccountOptions.Required account;

    @Option(names = "--credential-file", paramLabel = "FILE", description = "file holding the API credential")
    Path credentialFile;

    @Option(names = "--credential-stdin", description = "read the API credential from standard input")
    boolean credentialStdin;

    @Option(names = "--keep-credential", description = "also keep the credential in the store's refresh-side record, "
            + "so every instance can log in again by itself")
    boolean keepCredential;

    @Override
    public Integer call() {
        AppConfig config = root.config();
        AccountId id = Accounts.parse(spec.commandLine(), account.name);
        try (AppRuntime runtime = root.runtime(config)) {
            ApiCredential credential = credential(runtime, id);
            VersionedState stored = runtime.engine().login(id, credential, keepCredential);
            root.io.out().println("account " + id + ": logged in; access token expires at " + stored.state().accessExpiresAt()
                    + ", refresh token expires at " + runtime.engine().refreshTokenExpiresAt(stored.state())
                    + (keepCredential ? "; credential kept in the store" : ""));
            return ExitCode.OK.code();
        }
    }

    private ApiCredential credential(AppRuntime runtime, AccountId id) {
        if (credentialFile != null && credentialStdin) {
            throw new CommandLine.ParameterException(spec.commandLine(), "use --credential-file or --credential-stdin, not both");
        }
        if (credentialFile != null) {
            try {
                return parse(Files.readString(credentialFile, StandardCharsets.UTF_8), credentialFile.toString());
            } catch (IOException e) {
                throw new ConfigException("--credential-file: cannot read " + credentialFile + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (credentialStdin) {
            return parse(readStdin(), "standard input");
        }
        Optional<ApiCredential> configured = runtime.credentials().credential(id);
        if (configured.isPresent()) {
            return configured.get();
        }
        throw new ConfigException("no API credential for account " + id + ": pass --credential-file FILE or --credential-stdin, "
                + "or set CNP_CREDENTIAL");
    }

    private String readStdin() {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] chunk = new byte[512];
            int n;
            while ((n = root.io.in().read(chunk)) != -1) {
                buffer.write(chunk, 0, n);
                if (buffer.size() > MAX_CREDENTIAL_BYTES) {
                    throw new ConfigException("--credential-stdin: more than " + MAX_CREDENTIAL_BYTES + " bytes on standard input");
                }
            }
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("--credential-stdin: cannot read standard input (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static ApiCredential parse(String text, String origin) {
        try {
            return new ApiCredential(text.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("the API credential from " + origin + " is not usable: " + e.getMessage());
        }
    }
}
