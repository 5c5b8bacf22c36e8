package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.ApiCredential;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.Lease;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link FileCodec}: the bytes of a document, exactly as docs/store-file.md shows them. */
class FileCodecTest {
    private static final AccountId ACME = AccountId.of("acme");

    private final TokenState state = new TokenState(new AccessToken("eyJhbGciOi..."), "bearer",
            Instant.ofEpochMilli(1772363730123L), new RefreshToken("f3c1..."), Instant.ofEpochMilli(1772356470123L),
            Instant.ofEpochMilli(1772356530123L), Optional.empty(), Optional.empty(),
            Optional.of(new FailureNote("unavailable", "unavailable, HTTP 503: refresh answered HTTP 503",
                    Instant.ofEpochMilli(1772356525000L))));

    @Test
    void writesTheDocumentedExampleByteForByte() {
        String expected = """
                {
                  "schema_version": 1,
                  "account": "acme",
                  "version": 42,
                  "access": {
                    "access_token": "eyJhbGciOi...",
                    "token_type": "bearer",
                    "expires_at": 1772363730123
                  },
                  "refresh": {
                    "refresh_token": "f3c1...",
                    "issued_at": 1772356470123,
                    "updated_at": 1772356530123,
                    "credential": null,
                    "lease": null,
                    "last_failure": {
                      "kind": "unavailable",
                      "detail": "unavailable, HTTP 503: refresh answered HTTP 503",
                      "at": 1772356525000
                    }
                  }
                }
                """;

        assertThat(new String(FileCodec.encode(ACME, 42, state), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void readsBackWhatItWritesEscapesIncluded() throws Exception {
        TokenState odd = state.failed(new FailureNote("malformed", "quote \" backslash \\ tab \t e-acute \u00e9",
                Instant.ofEpochMilli(1772356525000L)));

        FileCodec.Decoded decoded = FileCodec.decode(ACME, FileCodec.encode(ACME, 7, odd));

        assertThat(decoded.version()).isEqualTo(7);
        assertThat(decoded.state()).isEqualTo(odd);
    }

    @Test
    void readsAFailureNoteWrittenBeforeItCarriedTheNextAttemptTimeAndKeepsOneThatCarriesIt() throws Exception {
        FileCodec.Decoded old = FileCodec.decode(ACME, FileCodec.encode(ACME, 42, state));
        assertThat(old.state().lastFailure().orElseThrow().nextAttemptAt()).isEmpty();

        TokenState noted = state.failed(new FailureNote("rejected", "rejected: refresh token, HTTP 400: refused",
                Instant.ofEpochMilli(1772356525000L), Optional.of(Instant.ofEpochMilli(1772356825000L))));
        byte[] bytes = FileCodec.encode(ACME, 43, noted);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"next_attempt_at\": 1772356825000");
        assertThat(FileCodec.decode(ACME, bytes).state()).isEqualTo(noted);
    }

    /** Asserts {@code bytes} are exactly the UTF-8 of {@code expected} (the text first, for a readable diff). */
    private static void assertBytes(byte[] bytes, String expected) {
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(bytes).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesAStateWithoutCredentialLeaseOrFailureByteForByte() {
        TokenState bare = new TokenState(new AccessToken("a"), "bearer", Instant.ofEpochMilli(1),
                new RefreshToken("r"), Instant.ofEpochMilli(0), Instant.ofEpochMilli(-1), Optional.empty(),
                Optional.empty(), Optional.empty());

        assertBytes(FileCodec.encode(ACME, 1, bare), """
                {
                  "schema_version": 1,
                  "account": "acme",
                  "version": 1,
                  "access": {
                    "access_token": "a",
                    "token_type": "bearer",
                    "expires_at": 1
                  },
                  "refresh": {
                    "refresh_token": "r",
                    "issued_at": 0,
                    "updated_at": -1,
                    "credential": null,
                    "lease": null,
                    "last_failure": null
                  }
                }
                """);
    }

    @Test
    void writesACredentialALeaseAndAFailureWithItsNextAttemptAndEveryEscapeByteForByte() {
        // control characters escaped, DEL, U+2028, '/' and non-ASCII written as they are (a supplementary
        // character as its four UTF-8 bytes, not as two escapes); a lone surrogate becomes '?'
        String detail = "q\" b\\ t\t n\n r\r nul\u0000 bs\b ff\f us\u001f del\u007f e\u00e9 eu\u20ac ls\u2028"
                + " emoji\ud83d\ude00 lone\ud800x / </script>";
        TokenState full = new TokenState(new AccessToken("eyJ.a-b_c"), "Bearer", Instant.ofEpochMilli(1),
                new RefreshToken("r/1+2="), Instant.ofEpochMilli(0), Instant.ofEpochMilli(Long.MAX_VALUE / 1000),
                Optional.of(new ApiCredential("cred")), Optional.of(new Lease("host/1 pid 42", Instant.ofEpochMilli(-5))),
                Optional.of(new FailureNote("rejected", detail, Instant.ofEpochMilli(3),
                        Optional.of(Instant.ofEpochMilli(4)))));

        String written = "\"q\\\" b\\\\ t\\t n\\n r\\r nul\\u0000 bs\\b ff\\f us\\u001F del\u007f e\u00e9 eu\u20ac"
                + " ls\u2028 emoji\ud83d\ude00 lone?x / </script>\"";

        assertBytes(FileCodec.encode(ACME, Long.MAX_VALUE, full), """
                {
                  "schema_version": 1,
                  "account": "acme",
                  "version": 9223372036854775807,
                  "access": {
                    "access_token": "eyJ.a-b_c",
                    "token_type": "Bearer",
                    "expires_at": 1
                  },
                  "refresh": {
                    "refresh_token": "r/1+2=",
                    "issued_at": 0,
                    "updated_at": 9223372036854775,
                    "credential": "cred",
                    "lease": {
                      "owner": "host/1 pid 42",
                      "until": -5
                    },
                    "last_failure": {
                      "kind": "rejected",
                      "detail": DETAIL,
                      "at": 3,
                      "next_attempt_at": 4
                    }
                  }
                }
                """.replace("DETAIL", written));
    }

    @Test
    void writesALeaseWithoutAFailureByteForByte() {
        TokenState leased = new TokenState(state.accessToken(), state.tokenType(), state.accessExpiresAt(),
                state.refreshToken(), state.refreshIssuedAt(), state.updatedAt(), Optional.empty(),
                Optional.of(new Lease("host-a/4711", Instant.ofEpochMilli(1772356590123L))), Optional.empty());

        assertBytes(FileCodec.encode(ACME, 3, leased), """
                {
                  "schema_version": 1,
                  "account": "acme",
                  "version": 3,
                  "access": {
                    "access_token": "eyJhbGciOi...",
                    "token_type": "bearer",
                    "expires_at": 1772363730123
                  },
                  "refresh": {
                    "refresh_token": "f3c1...",
                    "issued_at": 1772356470123,
                    "updated_at": 1772356530123,
                    "credential": null,
                    "lease": {
                      "owner": "host-a/4711",
                      "until": 1772356590123
                    },
                    "last_failure": null
                  }
                }
                """);
    }

    private static final String VALID_ACCESS = "\"access\":{\"access_token\":\"a\",\"token_type\":\"b\",\"expires_at\":1}";
    private static final String VALID_HEAD = "{\"schema_version\":1,\"account\":\"acme\",\"version\":1," + VALID_ACCESS;

    private static String refresh(String extra) {
        return VALID_HEAD + ",\"refresh\":{\"refresh_token\":\"r\",\"issued_at\":1,\"updated_at\":1" + extra + "}}";
    }

    /** Documents and the exact message each is refused with: positions, field names, never a value. */
    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(" ", "is not a valid JSON document (at line 1, column 0)"),
                Arguments.of("\n\n  ", "is not a valid JSON document (at line 1, column 0)"),
                Arguments.of("null", "is not a valid JSON document (expected a JSON object)"),
                Arguments.of("[]", "is not a valid JSON document (expected a JSON object)"),
                Arguments.of("1", "is not a valid JSON document (expected a JSON object)"),
                Arguments.of("\"x\"", "is not a valid JSON document (expected a JSON object)"),
                Arguments.of("{", "is not a valid JSON document (at line 1, column 2)"),
                Arguments.of("{} {}", "is not a valid JSON document (at line 1, column 4)"),
                Arguments.of("{}\n\n  []", "is not a valid JSON document (at line 3, column 3)"),
                Arguments.of("{} x", "is not a valid JSON document (at line 1, column 4)"),
                Arguments.of("{}\n/* c */", "is not a valid JSON document (at line 2, column 1)"),
                Arguments.of("{\"a\":1,\"a\":2}", "is not a valid JSON document (at line 1, column 11)"),
                Arguments.of("{\"a\":1,\"\\u0061\":2}", "is not a valid JSON document (at line 1, column 16)"),
                Arguments.of("{\"a\":{\"b\":1,\"b\":1}}", "is not a valid JSON document (at line 1, column 16)"),
                Arguments.of("// c\n{}", "is not a valid JSON document (at line 1, column 1)"),
                Arguments.of("{'a':1}", "is not a valid JSON document (at line 1, column 2)"),
                Arguments.of("{a:1}", "is not a valid JSON document (at line 1, column 2)"),
                Arguments.of("{\"a\":01}", "is not a valid JSON document (at line 1, column 7)"),
                Arguments.of("{\"a\":+1}", "is not a valid JSON document (at line 1, column 7)"),
                Arguments.of("{\"a\":NaN}", "is not a valid JSON document (at line 1, column 9)"),
                Arguments.of("{\"a\":[1,]}", "is not a valid JSON document (at line 1, column 9)"),
                Arguments.of("{\"a\":\"\u0001\"}", "is not a valid JSON document (at line 1, column 7)"),
                Arguments.of("\ufeff{}", "is not a valid JSON document (at line 1, column 1)"),
                Arguments.of("{\"schema_version\":1" + "0".repeat(70) + "}",
                        "is not a valid JSON document (StreamConstraintsException)"),
                Arguments.of("{\"schema_version\":" + "[".repeat(20) + "]".repeat(20) + "}",
                        "is not a valid JSON document (StreamConstraintsException)"),
                Arguments.of("{\"" + "k".repeat(300) + "\":1}", "is not a valid JSON document (StreamConstraintsException)"),
                Arguments.of("{\"a\":\"" + "s".repeat((1 << 18) + 1) + "\"}",
                        "is not a valid JSON document (StreamConstraintsException)"),
                Arguments.of("{\"a\":[" + "1,".repeat(10_001) + "1]}",
                        "is not a valid JSON document (StreamConstraintsException)"),
                Arguments.of("{\"schema_version\":null}", "lacks the field schema_version"),
                Arguments.of("{}", "lacks the field schema_version"),
                Arguments.of("{\"schema_version\":2}", "has schema_version 2, this version of cnp-token reads 1 only"),
                Arguments.of("{\"schema_version\":1e2}", "has schema_version 100, this version of cnp-token reads 1 only"),
                Arguments.of("{\"schema_version\":1.5}", "has a field schema_version that is not a whole number in range"),
                Arguments.of("{\"schema_version\":99999999999999999999}",
                        "has a field schema_version that is not a whole number in range"),
                Arguments.of("{\"schema_version\":true}", "has a field schema_version that is not a number"),
                Arguments.of("{\"schema_version\":\"1\"}", "has a field schema_version that is not a number"),
                Arguments.of("{\"schema_version\":1,\"account\":null}", "lacks the field account"),
                Arguments.of("{\"schema_version\":1,\"account\":1}", "has a field account that is not a string"),
                Arguments.of("{\"schema_version\":1,\"account\":\"oth\\ner\"}", "holds account \"oth?er\", not \"acme\""),
                Arguments.of("{\"schema_version\":1,\"account\":\"acme\",\"version\":0}",
                        "has version 0, expected a positive number"),
                Arguments.of("{\"schema_version\":1,\"account\":\"acme\",\"version\":1,\"access\":[]}",
                        "has a field access that is not an object"),
                Arguments.of("{\"schema_version\":1.0,\"account\":\"acme\",\"version\":1e0,\"access\":{},\"refresh\":{}}",
                        "lacks the field access.access_token"),
                Arguments.of(VALID_HEAD + "}", "lacks the field refresh"),
                Arguments.of(VALID_HEAD + ",\"refresh\":\"x\"}", "has a field refresh that is not an object"),
                Arguments.of(refresh(",\"lease\":{\"owner\":\"o\",\"until\":\"x\"}"),
                        "has a field refresh.lease.until that is not a number"),
                Arguments.of(refresh(",\"lease\":{\"until\":1}"), "lacks the field refresh.lease.owner"),
                Arguments.of(refresh(",\"lease\":1"), "has a field refresh.lease that is not an object"),
                Arguments.of(refresh(",\"last_failure\":{\"kind\":\" \",\"detail\":\"d\",\"at\":1}"),
                        "has an invalid value: kind is blank"),
                Arguments.of(refresh(",\"last_failure\":{\"kind\":\"k\",\"detail\":\"d\",\"at\":1,\"next_attempt_at\":[]}"),
                        "has a field refresh.last_failure.next_attempt_at that is not a number"),
                Arguments.of(refresh(",\"last_failure\":{\"kind\":\"k\",\"detail\":\"d\",\"at\":1e300}"),
                        "has a field refresh.last_failure.at that is not a whole number in range"),
                Arguments.of(refresh(",\"credential\":\" c\""),
                        "has an invalid refresh.credential: API credential has leading or trailing white space"),
                Arguments.of(refresh(",\"credential\":7"), "has a field refresh.credential that is not a string"),
                Arguments.of(refresh("").replace("\"token_type\":\"b\"", "\"token_type\":\" \""),
                        "has an invalid value: tokenType is blank"),
                Arguments.of(refresh("").replace("\"refresh_token\":\"r\"", "\"refresh_token\":{}"),
                        "has a field refresh.refresh_token that is not a string"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refusesADamagedDocumentWithTheSameMessageAsEver(String document, String message) {
        assertThatThrownBy(() -> FileCodec.decode(ACME, document.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadDocument.class)
                .hasMessage(message);
    }

    @Test
    void refusesANumberBigDecimalCannotHoldByItsPositionNotItsText() {
        // a NumberFormatException quoting the number escaped the databind-based codec
        for (String number : new String[] {"1e99999999999", "-1.5E-99999999999"}) {
            String document = refresh(",\"lease\":{\"owner\":\"o\",\"until\":" + number + "}");

            assertThatThrownBy(() -> FileCodec.decode(ACME, document.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(BadDocument.class)
                    .hasMessage("is not a valid JSON document (at line 1, column " + (document.indexOf(number) + 1) + ")");
        }
    }

    @Test
    void refusesBytesThatAreNotUtf8AndAnEmptyDocument() {
        assertThatThrownBy(() -> FileCodec.decode(ACME, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}))
                .isInstanceOf(BadDocument.class).hasMessage("is not UTF-8 text");
        assertThatThrownBy(() -> FileCodec.decode(ACME, new byte[0]))
                .isInstanceOf(BadDocument.class).hasMessage("is empty (truncated?)");
    }

    @Test
    void ignoresUnknownFieldsAndReadsNullAsAbsent() throws Exception {
        String document = refresh(",\"credential\":null,\"lease\":null,\"last_failure\":null,\"extra\":[{\"x\":null}]")
                .replace("{\"schema_version\":1,", "{\"future\":{\"a\":[1.5,true,false,null,\"s\"]},\"schema_version\":1,");

        FileCodec.Decoded decoded = FileCodec.decode(ACME, document.getBytes(StandardCharsets.UTF_8));

        assertThat(decoded.version()).isEqualTo(1);
        assertThat(decoded.state()).isEqualTo(new TokenState(new AccessToken("a"), "b", Instant.ofEpochMilli(1),
                new RefreshToken("r"), Instant.ofEpochMilli(1), Instant.ofEpochMilli(1), Optional.empty(),
                Optional.empty(), Optional.empty()));
    }
}
