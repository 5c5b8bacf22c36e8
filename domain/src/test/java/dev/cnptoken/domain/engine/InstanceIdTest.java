package dev.cnptoken.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceIdTest {

    @Test
    void namesTheHostFromHostnameAsKubernetesSetsItToThePodName() {
        Map<String, String> env = Map.of("HOSTNAME", "token-rotator-7d9f-x2k4", "COMPUTERNAME", "WIN-BOX");

        assertThat(InstanceId.of(env::get, 1, "9f8e7d6c")).isEqualTo("token-rotator-7d9f-x2k4/1/9f8e7d6c");
    }

    @Test
    void fallsBackToComputernameThenToLocalhost() {
        assertThat(InstanceId.of(Map.of("HOSTNAME", " ", "COMPUTERNAME", "WIN-BOX")::get, 42, "abcdef01"))
                .isEqualTo("WIN-BOX/42/abcdef01");
        assertThat(InstanceId.of(Map.<String, String>of()::get, 42, "abcdef01")).isEqualTo("localhost/42/abcdef01");
    }

    @Test
    void cutsALongHostSoTheIdFitsInALease() {
        String id = InstanceId.of(Map.of("HOSTNAME", "h".repeat(500))::get, 123456, "abcdef01");

        assertThat(id).hasSize(InstanceId.MAX_LENGTH).endsWith("hh/123456/abcdef01");
        assertThat(InstanceId.checked(id)).isEqualTo(id);
    }

    @Test
    void keepsSlashesAndControlCharactersOutOfTheHostPart() {
        assertThat(InstanceId.of(Map.of("HOSTNAME", "a/b\nc")::get, 7, "abcdef01")).isEqualTo("a-b-c/7/abcdef01");
    }

    @Test
    void refusesABlankOrOverlongId() {
        assertThatThrownBy(() -> InstanceId.checked(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InstanceId.checked("x".repeat(201))).isInstanceOf(IllegalArgumentException.class);
    }
}
