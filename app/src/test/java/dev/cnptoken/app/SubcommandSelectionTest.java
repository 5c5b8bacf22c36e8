package dev.cnptoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class SubcommandSelectionTest {
    @Test
    void registersOnlyTheSubcommandTheCommandLineNames() {
        assertThat(CnpTokenCommand.subcommandsFor("--store", "redis", "-v", "rotate", "--force")).containsExactly(RotateCommand.class);
        assertThat(CnpTokenCommand.subcommandsFor("token", "--account", "status")).containsExactly(TokenCommand.class);
    }

    @Test
    void takesTheValueOfAGlobalOptionForAValueNotForASubcommand() {
        assertThat(CnpTokenCommand.subcommandsFor("--config", "token", "status")).containsExactly(StatusCommand.class);
        assertThat(CnpTokenCommand.subcommandsFor("--config=x.yaml", "doctor")).containsExactly(DoctorCommand.class);
    }

    @Test
    void registersEverySubcommandWhenNoneOrAnUnknownOneIsNamed() {
        assertThat(CnpTokenCommand.subcommandsFor()).isEqualTo(CnpTokenCommand.SUBCOMMANDS);
        assertThat(CnpTokenCommand.subcommandsFor("--help")).isEqualTo(CnpTokenCommand.SUBCOMMANDS);
        assertThat(CnpTokenCommand.subcommandsFor("rotat", "--force")).isEqualTo(CnpTokenCommand.SUBCOMMANDS);
        assertThat(CnpTokenCommand.subcommandsFor("--", "rotate")).isEqualTo(CnpTokenCommand.SUBCOMMANDS);
    }

    @Test
    void theUsageStillListsEverySubcommand() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Io io = new Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()),
                new ByteArrayInputStream(new byte[0]), Map.of());

        int code = Main.run(io, "--help");

        assertThat(code).isZero();
        String usage = out.toString(StandardCharsets.UTF_8);
        List<String> names = CnpTokenCommand.SUBCOMMANDS.stream().map(c -> c.getAnnotation(Command.class).name()).toList();
        assertThat(names).hasSize(11).allSatisfy(name -> assertThat(usage).contains("  " + name + " "));
    }
}
