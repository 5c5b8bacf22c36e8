package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.simulator.FortiCnpSimulator;
import dev.cnptoken.testkit.Sentinels;
import dev.cnptoken.simulator.SteppingClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration problems end to end, in-process: what the user sees, and that nothing secret shows. */
class CliConfigurationTest {
    private final SteppingClock clock = SteppingClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final ApiCredential credential = Sentinels.credential();
    private final List<CliRunner.Result> results = new ArrayList<>();
    private FortiCnpSimulator simulator;

    @TempDir
    Path dir;

    @BeforeEach
    void startSimulator() {
        simulator = FortiCnpSimulator.builder().clock(clock).port(0).credential(credential).start();
    }

    @AfterEach
    void stopAndScan() {
        simulator.close();
        List<String> secrets = new ArrayList<>(simulator.issuedSecrets());
        secrets.add(credential.value());
        for (CliRunner.Result r : results) {
            CliRunner.Result.assertNoSecret(r.out() + r.err(), secrets);
        }
    }

    private CliRunner cli() {
        return new CliRunner().clock(clock)
                .env("CNP_BASE_URL", simulator.baseUrl().toString())
                .env("CNP_STORE", "file")
                .env("CNP_FILE_DIR", dir.resolve("store").toString());
    }

    private CliRunner.Result run(CliRunner cli, String... args) {
        CliRunner.Result r = cli.run(args);
        results.add(r);
        return r;
    }

    @Test
    void logsInWithACredentialFileSavedWithAByteOrderMark() throws IOException {
        Path file = dir.resolve("credential");
        Files.write(file, ("\uFEFF" + credential.value() + "\r\n").getBytes(StandardCharsets.UTF_8));

        CliRunner.Result login = run(cli().env("CNP_CREDENTIAL_FILE", file.toString()), "login", "--account", "acme");

        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("account acme: logged in");
    }

    @Test
    void exitsWith3NamingTheKeyAndTheVariableOfANegativeMargin() {
        CliRunner.Result r = run(cli().env("CNP_REFRESH_MARGIN", "-5m"), "rotate", "--account", "acme");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("configuration: refresh_margin (from CNP_REFRESH_MARGIN): must be positive, got -5m");
    }

    @Test
    void exitsWith3NamingTheKeyAndTheFileOfABinaryYamlValue() throws IOException {
        Path config = Files.writeString(dir.resolve("c.yaml"), "store: !!binary aGVsbG8=\n");

        CliRunner.Result r = run(cli(), "--config", config.toString(), "status");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("store (from " + config + ", line 1): the YAML tag !!binary is not supported")
                .doesNotContain("[B@");
    }

    @Test
    void exitsWith3ForABlankFileDirInsteadOfUsingTheCurrentDirectory() {
        CliRunner.Result r = run(cli().env("CNP_FILE_DIR", " "), "status");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("file_dir (from CNP_FILE_DIR): is blank");
    }
}
