package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTextTest {
    @TempDir
    Path dir;

    @Test
    void dropsSurroundingWhiteSpaceAndLeadingByteOrderMarks() {
        assertThat(SecretText.clean("  s3cret\n")).isEqualTo("s3cret");
        assertThat(SecretText.clean("\uFEFFs3cret\r\n")).isEqualTo("s3cret");
        assertThat(SecretText.clean("\uFEFF \uFEFFs3cret")).isEqualTo("s3cret");
        assertThat(SecretText.clean("s3 cret")).isEqualTo("s3 cret"); // inner white space is the secret's
        assertThat(SecretText.clean("\n\t ")).isEmpty();
    }

    @Test
    void readsAFileOfUpToMaxBytesAndRefusesALargerOneWithoutShowingIt() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok"), "\uFEFF" + "a".repeat(SecretText.MAX_BYTES - 4) + "\n",
                StandardCharsets.UTF_8); // the mark is 3 bytes: MAX_BYTES in all
        Path big = Files.writeString(dir.resolve("big"), "SENTINEL" + "a".repeat(SecretText.MAX_BYTES));

        assertThat(Files.size(ok)).isEqualTo(SecretText.MAX_BYTES);
        assertThat(SecretText.read(ok)).isEqualTo("a".repeat(SecretText.MAX_BYTES - 4));
        assertThatThrownBy(() -> SecretText.read(big)).isInstanceOf(SecretText.TooLarge.class)
                .hasMessage("more than " + SecretText.MAX_BYTES + " bytes");
        assertThatThrownBy(() -> SecretText.read(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    }
}
