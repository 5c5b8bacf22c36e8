package dev.cnptoken.app;

import dev.cnptoken.app.config.AppConfig;
import dev.cnptoken.app.job.ExitCode;
import dev.cnptoken.app.wiring.AppRuntime;
import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "token", description = {
    "Prints only the current access token of an account (refreshing it first if needed), for",
    "curl -H \"Authorization: Bearer $(cnp-token token --account a)\"."
})
final class TokenCommand implements Callable<Integer> {
    @ParentCommand
    CnpTokenCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--account", description = "the account; optional when only one is configured or stored")
    String account;

    @Override
    public Integer call() {
        AppConfig config = root.config();
        try (AppRuntime runtime = root.storeFirstRuntime(config)) {
            AccountId id = Accounts.one(spec.commandLine(), account, config, runtime.store());
            AccessToken token = runtime.engine().currentToken(id);
            root.io.out().println(token.value());
            return ExitCode.OK.code();
        }
    }
}
