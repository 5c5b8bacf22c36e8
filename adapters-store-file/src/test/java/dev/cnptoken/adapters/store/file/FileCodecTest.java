package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnptoken.domain.AccessToken;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.FailureNote;
import dev.cnptoken.domain.RefreshToken;
import dev.cnptoken.domain.TokenState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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
}
