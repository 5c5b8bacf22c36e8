package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.SecretFileRule.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SecretFileRule}: refuse what group or others can write, warn about what they can read. */
class SecretFileRuleTest {
    @TempDir
    Path temp;

    @ParameterizedTest
    @CsvSource({"rw-------, OK, 0600", "r--------, OK, 0400", "rw-r-----, WARN, 0640", "rw-r--r--, WARN, 0644",
            "rw-rw----, REFUSE, 0660", "rw-rw-rw-, REFUSE, 0666", "rw----rw-, REFUSE, 0606"})
    void judgesASecretFileByWhoCanWriteOrReadIt(String mode, Level level, String octal) throws Exception {
        Path file = Files.writeString(temp.resolve("secret"), "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

        SecretFileRule.Verdict verdict = SecretFileRule.secretFile(file, "credential file");

        assertThat(verdict.level()).isEqualTo(level);
        assertThat(verdict.mode()).isEqualTo(octal);
        if (level != Level.OK) {
            assertThat(verdict.message()).contains("credential file " + file).contains(octal).contains("chmod 600")
                    .contains("defaultMode: 0400");
        }
    }

    @Test
    void followsASymbolicLinkToAMountedSecretButRefusesOneAmongItsOwnFiles() throws Exception {
        Path target = Files.writeString(temp.resolve("..data-key"), "x");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--------"));
        Path link = Files.createSymbolicLink(temp.resolve("key"), target);

        assertThat(SecretFileRule.secretFile(link, "key file").level()).isEqualTo(Level.OK);
        SecretFileRule.Verdict own = SecretFileRule.ownFile(link, "lock file");
        assertThat(own.level()).isEqualTo(Level.REFUSE);
        assertThat(own.message()).contains(link.toString()).contains("symbolic link");
    }

    @Test
    void refusesAnOwnFileOwnedByAnotherUser() throws Exception {
        Path file = Files.writeString(temp.resolve("acme.json"), "{}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        int me = (Integer) Files.getAttribute(file, "unix:uid");
        assertThat(SecretFileRule.ownFile(file, "token file").level()).isEqualTo(Level.OK);
        org.assertj.core.api.Assumptions.assumeThat(me).as("only root can give a file to another user").isZero();

        Files.setAttribute(file, "unix:uid", me == 65534 ? 65533 : 65534);

        SecretFileRule.Verdict verdict = SecretFileRule.ownFile(file, "token file");
        assertThat(verdict.level()).isEqualTo(Level.REFUSE);
        assertThat(verdict.message()).contains(file.toString()).contains("owned by");
    }

    @ParameterizedTest
    @CsvSource({"rwx------, OK, 0700", "rwxr-x---, WARN, 0750", "rwxrwx---, REFUSE, 0770", "rwxrwxrwx, REFUSE, 0777"})
    void refusesADirectoryGroupOrOthersCanWriteNamingItsModeAndTheFix(String mode, Level level, String octal)
            throws Exception {
        Path dir = Files.createDirectory(temp.resolve("store"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));

        SecretFileRule.Verdict verdict = SecretFileRule.directory(dir, "store directory");

        assertThat(verdict.level()).isEqualTo(level);
        assertThat(verdict.mode()).isEqualTo(octal);
        if (level == Level.REFUSE) {
            assertThat(verdict.message()).contains(dir.toString()).contains(octal).contains("chmod 700");
        }
    }
}
