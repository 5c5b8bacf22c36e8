package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.testkit.Sentinels;
import dev.cnptoken.simulator.SteppingClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The command line follows the conventions people expect of one: help in every spelling, whole
 * one-line summaries, an example per command, shell completion, a version naming its commit, silence
 * on standard error when all is well, and exit 3 (not 1) for a path that cannot be used.
 */
class CliConventionsTest {
    private final SteppingClock clock = SteppingClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final ApiCredential credential = Sentinels.credential();
    private FortiCnpSimulator simulator;

    @TempDir
    Path dir;

    @AfterEach
    void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    /** The command tree as picocli builds it, the same that {@link Main} runs. */
    private static CommandLine tree() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        CommandLine tree = new CommandLine(new CnpTokenCommand(new Io(sink, sink, new ByteArrayInputStream(new byte[0]), Map.of())));
        CnpTokenCommand.subcommandsFor().forEach(tree::addSubcommand); // all of them, as Main registers for no command
        return tree;
    }

    static Stream<String> commands() {
        return tree().getSubcommands().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void everyCommandAnswersHelpInEverySpellingWithExitZero(String command) {
        CliRunner cli = new CliRunner();
        CliRunner.Result longForm = cli.run(command, "--help");
        CliRunner.Result shortForm = cli.run(command, "-h");
        CliRunner.Result helpCommand = cli.run("help", command);

        for (CliRunner.Result r : List.of(longForm, shortForm, helpCommand)) {
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).contains("Usage: cnp-token " + command + " ");
        }
        assertThat(shortForm.out()).isEqualTo(longForm.out());
        assertThat(helpCommand.out()).isEqualTo(longForm.out());
        assertThat(longForm.out()).contains(summary(tree().getSubcommands().get(command)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void everyCommandOfOursShowsAnExample(String command) {
        if (command.equals("help")) {
            return; // picocli's own help command
        }
        CliRunner.Result r = new CliRunner().run(command, "--help");

        assertThat(r.out()).containsPattern("(?m)^Examples?:\\R {2}.*cnp-token .*" + command);
    }

    @Test
    void theCommandListShowsEachCommandsWholeFirstDescriptionLineOnOneLine() {
        CliRunner.Result r = new CliRunner().run("--help");
        assertThat(r.exit()).isZero();
        Map<String, List<String>> rows = commandList(r.out());

        assertThat(rows.keySet()).containsExactlyElementsOf(tree().getSubcommands().keySet());
        tree().getSubcommands().forEach((name, sub) -> {
            String summary = summary(sub);
            assertThat(rows.get(name)).as("the row of '%s' is one line", name).hasSize(1);
            assertThat(rows.get(name).get(0)).as("the summary of '%s'", name).isEqualTo(summary);
            assertThat(summary).as("a whole sentence").endsWith(".");
        });
    }

    @Test
    void completionPrintsPicocliesBashScriptForBashAndForZsh() {
        CliRunner cli = new CliRunner();
        CliRunner.Result bash = cli.run("completion", "bash");
        CliRunner.Result zsh = cli.run("completion", "zsh");

        assertThat(bash.exit()).as(bash.err()).isZero();
        assertThat(bash.err()).isEmpty();
        assertThat(bash.out()).startsWith("#!/usr/bin/env bash").containsPattern("(?m)^complete -F _complete_cnp-token .*cnp-token")
                .contains("bashcompinit");
        tree().getSubcommands().keySet().forEach(name -> assertThat(bash.out()).contains(name));
        assertThat(zsh.exit()).isZero();
        assertThat(zsh.out()).isEqualTo(bash.out());
        assertThat(cli.run("completion", "fish").exit()).isEqualTo(2);
    }

    @Test
    void versionNamesTheVersionAndTheBuildsCommitOrUnknown() {
        CliRunner cli = new CliRunner();
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"-V"}, new String[] {"rotate", "--version"})) {
            CliRunner.Result r = cli.run(args);
            assertThat(r.exit()).isZero();
            assertThat(r.out()).matches("cnp-token \\S+ \\(commit ([0-9a-f]{7,40}|unknown)\\)\\R");
        }
    }

    @Test
    void aPlainSuccessfulRotateAndTokenPrintNothingOnStandardError() {
        simulator = FortiCnpSimulator.builder().clock(clock).port(0).credential(credential).start();
        CliRunner cli = new CliRunner().clock(clock)
                .env("CNP_BASE_URL", simulator.baseUrl().toString())
                .env("CNP_STORE", "file")
                .env("CNP_FILE_DIR", dir.resolve("store").toString());
        List<CliRunner.Result> quiet = new ArrayList<>();
        quiet.add(cli.runWithInput(credential.value(), "login", "--account", "acme", "--credential-stdin"));
        quiet.add(cli.run("rotate"));
        clock.advance(Duration.ofMinutes(26));
        CliRunner.Result refreshing = cli.run("rotate");
        quiet.add(refreshing);
        quiet.add(cli.run("token"));
        quiet.add(cli.run("token", "--account", "acme"));

        for (CliRunner.Result r : quiet) {
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).as("standard error of a successful one-shot command").isEmpty();
        }
        assertThat(refreshing.out()).containsPattern("acme\\s+refreshed");

        CliRunner.Result verbose = cli.run("rotate", "--force", "--verbose");
        assertThat(verbose.exit()).isZero();
        assertThat(verbose.err()).contains(" DEBUG ").contains("refresh answered HTTP 200").contains("event=refreshed");
        List<String> secrets = new ArrayList<>(simulator.issuedSecrets());
        secrets.add(credential.value());
        CliRunner.Result.assertNoSecret(verbose.err(), secrets);
    }

    @Test
    void anUnusablePathOnTheCommandLineIsAConfigurationErrorNamingTheOption() throws IOException {
        CliRunner cli = new CliRunner().env("CNP_STORE", "memory");
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");

        CliRunner.Result missingConfig = cli.run("--config", dir.resolve("missing.yaml").toString(), "status");
        assertThat(missingConfig.exit()).isEqualTo(3);
        assertThat(missingConfig.err()).contains("--config").contains("missing.yaml");

        CliRunner.Result unreadableCredential = cli.run("login", "--account", "acme", "--credential-file", dir.toString());
        assertThat(unreadableCredential.exit()).isEqualTo(3);
        assertThat(unreadableCredential.err()).contains("--credential-file");

        CliRunner.Result unwritable = cli.run("simulate", "--port", "0", "--credential-file",
                notADirectory.resolve("credential.txt").toString());
        assertThat(unwritable.exit()).as(unwritable.err()).isEqualTo(3);
        assertThat(unwritable.err()).contains("configuration: --credential-file: ").contains("plain-file")
                .doesNotContain("internal error");
    }

    @Test
    void anAddressInUseIsAConfigurationErrorNamingTheOptions() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRunner.Result r = new CliRunner().run("simulate", "--bind", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()),
                    "--credential-file", dir.resolve("credential.txt").toString());

            assertThat(r.exit()).as(r.err()).isEqualTo(3);
            assertThat(r.err()).contains("configuration: --bind 127.0.0.1, --port " + taken.getLocalPort() + ": cannot listen there")
                    .doesNotContain("internal error");
        }
    }

    /** A command's summary, as picocli picks it: the first header line, else the first description line. */
    private static String summary(CommandLine command) {
        CommandLine.Model.UsageMessageSpec usage = command.getCommandSpec().usageMessage();
        return usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
    }

    /** The rows of the root help's command list: name to the row's lines, continuation lines apart. */
    private static Map<String, List<String>> commandList(String help) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        List<String> current = null;
        boolean inList = false;
        for (String line : help.lines().toList()) {
            if (line.equals("Commands:")) {
                inList = true;
            } else if (inList && line.isBlank()) {
                break;
            } else if (inList && line.matches("  \\S.*")) {
                String[] nameAndSummary = line.strip().split("\\s+", 2);
                current = new ArrayList<>(List.of(nameAndSummary[1]));
                rows.put(nameAndSummary[0], current);
            } else if (inList && current != null) {
                current.add(line.strip());
            }
        }
        return rows;
    }
}
