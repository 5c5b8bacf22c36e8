package dev.cnptoken.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link AccountId}: 1-64 characters of {@code [A-Za-z0-9._-]}, starting with a letter or digit. */
class AccountIdTest {
    private static final String FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String REST = FIRST + "._-";

    @Property(tries = 1000)
    void acceptsEveryValidName(@ForAll("validNames") String name) {
        AccountId id = new AccountId(name);
        assertThat(id.name()).isEqualTo(name);
        assertThat(id).hasToString(name).isEqualTo(AccountId.of(name));
    }

    @Property(tries = 1000)
    void rejectsEveryInvalidName(@ForAll("invalidNames") String name) {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> new AccountId(name));
        assertThat(e).as("'%s' must be rejected", name).isNotNull();
        assertThat(e.getMessage()).startsWith("account name must be");
        assertThat(e.getMessage().length()).isLessThan(200);
    }

    @Property(tries = 1000)
    void neverEchoesControlCharacters(@ForAll("namesWithControls") String name) {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> new AccountId(name));
        assertThat(e).isNotNull();
        assertThat(e.getMessage().chars().filter(Character::isISOControl).count())
                .as("control characters in: %s", e.getMessage()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "-x", "_x", "a b", "a/b", "../etc", "a:b", "a\\b", "a*", "ä", "a\u0000",
        "line\nbreak", "x\u0085y", "a\u2028b", "trailing\t"})
    void rejectsTheseNames(String name) {
        assertThatThrownBy(() -> new AccountId(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsTheBoundaryLengths() {
        assertThat(AccountId.of("a").name()).isEqualTo("a");
        assertThat(AccountId.of("a".repeat(64)).name()).hasSize(64);
        assertThatThrownBy(() -> AccountId.of("a".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shortensALongNameInTheMessage() {
        String longName = "/" + "x".repeat(500);
        assertThatThrownBy(() -> AccountId.of(longName)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(longName).hasMessageContaining("...");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> new AccountId(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("account name == null");
    }

    @Test
    void sortsByName() {
        List<AccountId> ids = new ArrayList<>(List.of(AccountId.of("b"), AccountId.of("A"), AccountId.of("a"), AccountId.of("0")));
        Collections.sort(ids);
        assertThat(ids).extracting(AccountId::name).containsExactly("0", "A", "a", "b");
        assertThat(AccountId.of("x").compareTo(AccountId.of("x"))).isZero();
    }

    @Provide
    Arbitrary<String> validNames() {
        return Combinators.combine(
                        Arbitraries.strings().withChars(FIRST).ofLength(1),
                        Arbitraries.strings().withChars(REST).ofMaxLength(63))
                .as((a, b) -> a + b);
    }

    @Provide
    Arbitrary<String> invalidNames() {
        Arbitrary<String> badStart = Combinators.combine(Arbitraries.strings().withChars("._-").ofLength(1),
                Arbitraries.strings().withChars(REST).ofMaxLength(20)).as((a, b) -> a + b);
        Arbitrary<String> tooLong = Arbitraries.strings().withChars(REST).ofMinLength(64).ofMaxLength(300).map(s -> "a" + s);
        Arbitrary<String> badChar = Combinators.combine(validNames(),
                        Arbitraries.chars().all().filter(c -> REST.indexOf(c) < 0),
                        Arbitraries.integers().between(0, 64))
                .as((name, c, at) -> {
                    int i = Math.min(at, name.length());
                    return name.substring(0, i) + c + name.substring(i);
                });
        return Arbitraries.oneOf(badStart, tooLong, badChar, Arbitraries.just(""));
    }

    @Provide
    Arbitrary<String> namesWithControls() {
        Arbitrary<Character> controls = Arbitraries.chars().range('\u0000', '\u001f').with('\u007f')
                .with("\u0080\u0085\u008d\u009b\u009f");
        return Combinators.combine(Arbitraries.strings().all().ofMaxLength(30), controls,
                        Arbitraries.strings().all().ofMaxLength(30))
                .as((a, c, b) -> a + c + b);
    }

    @Test
    void parsesANameReadFromAStoreIntoAnAccountOrNothing() {
        assertThat(AccountId.parse("acme-prod.1")).contains(AccountId.of("acme-prod.1"));
        assertThat(AccountId.parse("acme\nINFO forged line")).isEmpty();
        assertThat(AccountId.parse("")).isEmpty();
        assertThat(AccountId.parse(null)).isEmpty();
    }

    @Test
    void escapesANameForOneLogLineWithControlCharactersWrittenOutAndTruncated() {
        assertThat(AccountId.escaped("acme\nINFO forged\r\t\\x\u0000\u00e9")).isEqualTo(
                "acme\\nINFO forged\\r\\t\\\\x\\u0000\\u00e9");
        assertThat(AccountId.escaped("a".repeat(100))).isEqualTo("a".repeat(80) + "...");
        assertThat(AccountId.escaped("x\ny")).doesNotContain("\n");
    }
}
