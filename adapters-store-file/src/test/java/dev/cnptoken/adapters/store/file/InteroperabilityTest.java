package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnptoken.domain.AccountId;
import dev.cnptoken.domain.port.TokenStore;
import dev.cnptoken.testkit.Sentinels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads and writes the files the way another program would, from docs/store-file.md alone (raw
 * JCE and the JSON text, no adapter code), in both directions.
 */
class InteroperabilityTest {
    @TempDir
    Path temp;

    private final dev.cnptoken.domain.TokenState state = new dev.cnptoken.domain.TokenState(
            Sentinels.accessToken(), "bearer", Instant.ofEpochMilli(1_772_360_130_123L), Sentinels.refreshToken(),
            Instant.ofEpochMilli(1_772_356_470_123L), Instant.ofEpochMilli(1_772_356_530_123L),
            Optional.of(Sentinels.credential()), Optional.empty(), Optional.empty());

    @Test
    void plainDocumentFollowsTheDocumentedSchema() throws Exception {
        FileTokenStore store = FileTokenStore.builder().directory(temp).build();
        store.compareAndSet(AccountId.of("acme"), TokenStore.ABSENT, state);

        JsonNode doc = new ObjectMapper().readTree(Files.readString(temp.resolve("acme.json")));

        assertDocument(doc, 1);
    }

    @Test
    void encryptedFileOpensWithTheDocumentedLayout() throws Exception {
        String keyText = TestFiles.newKeyBase64();
        FileTokenStore store = FileTokenStore.builder().directory(temp.resolve("s"))
                .encryptionKeyFile(TestFiles.writeKeyFile(temp.resolve("key"), keyText)).build();
        AccountId account = AccountId.of("acme");
        store.compareAndSet(account, TokenStore.ABSENT, state);
        store.compareAndSet(account, 1, state);

        byte[] file = Files.readAllBytes(temp.resolve("s/acme.json"));
        byte[] key = Base64.getDecoder().decode(keyText.strip());

        assertThat(new String(file, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("CNPTOKEN");
        assertThat(file[8]).isEqualTo((byte) 1);
        assertThat(file[9]).isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(file, 10, 14))
                .isEqualTo(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key), 4));
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                new GCMParameterSpec(128, Arrays.copyOfRange(file, 14, 26)));
        cipher.updateAAD(concat(Arrays.copyOfRange(file, 0, 14), "acme".getBytes(StandardCharsets.US_ASCII)));
        byte[] json = cipher.doFinal(file, 26, file.length - 26);

        assertDocument(new ObjectMapper().readTree(new String(json, StandardCharsets.UTF_8)), 2);
    }

    @Test
    void readsAnEncryptedFileWrittenByAnotherProgram() throws Exception {
        String keyText = TestFiles.newKeyBase64();
        byte[] key = Base64.getDecoder().decode(keyText);
        Path directory = Files.createDirectories(temp.resolve("s"));
        String json = "{\"schema_version\":1,\"account\":\"acme\",\"version\":41,"
                + "\"access\":{\"access_token\":\"" + state.accessToken().value() + "\",\"token_type\":\"bearer\","
                + "\"expires_at\":1772360130123},"
                + "\"refresh\":{\"refresh_token\":\"" + state.refreshToken().value() + "\",\"issued_at\":1772356470123,"
                + "\"updated_at\":1772356530123,\"credential\":\"" + state.credential().orElseThrow().value() + "\","
                + "\"some_future_field\":true}}";
        byte[] header = concat("CNPTOKEN".getBytes(StandardCharsets.US_ASCII), new byte[] {1, 1},
                Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key), 4));
        byte[] nonce = new byte[12];
        new java.security.SecureRandom().nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(concat(header, "acme".getBytes(StandardCharsets.US_ASCII)));
        Files.write(directory.resolve("acme.json"),
                concat(header, nonce, cipher.doFinal(json.getBytes(StandardCharsets.UTF_8))));

        FileTokenStore store = FileTokenStore.builder().directory(directory)
                .encryptionKeyFile(TestFiles.writeKeyFile(temp.resolve("key"), keyText)).build();

        var read = store.read(AccountId.of("acme")).orElseThrow();
        assertThat(read.version()).isEqualTo(41);
        assertThat(read.state()).isEqualTo(state);
    }

    private void assertDocument(JsonNode doc, long version) {
        assertThat(names(doc)).containsExactly("schema_version", "account", "version", "access", "refresh");
        assertThat(doc.get("schema_version").isIntegralNumber()).isTrue();
        assertThat(doc.get("schema_version").longValue()).isEqualTo(1);
        assertThat(doc.get("account").textValue()).isEqualTo("acme");
        assertThat(doc.get("version").isIntegralNumber()).isTrue();
        assertThat(doc.get("version").longValue()).isEqualTo(version);
        JsonNode access = doc.get("access");
        assertThat(names(access)).containsExactlyInAnyOrder("access_token", "token_type", "expires_at");
        assertThat(access.get("access_token").textValue()).isEqualTo(state.accessToken().value());
        assertThat(access.get("token_type").textValue()).isEqualTo("bearer");
        assertThat(access.get("expires_at").isIntegralNumber()).isTrue();
        assertThat(access.get("expires_at").longValue()).isEqualTo(1772360130123L);
        JsonNode refresh = doc.get("refresh");
        assertThat(names(refresh)).containsExactlyInAnyOrder("refresh_token", "issued_at", "updated_at", "credential",
                "lease", "last_failure");
        assertThat(refresh.get("refresh_token").textValue()).isEqualTo(state.refreshToken().value());
        assertThat(refresh.get("issued_at").longValue()).isEqualTo(1772356470123L);
        assertThat(refresh.get("updated_at").longValue()).isEqualTo(1772356530123L);
        assertThat(refresh.get("credential").textValue()).isEqualTo(state.credential().orElseThrow().value());
        assertThat(refresh.get("lease").isNull()).isTrue();
        assertThat(refresh.get("last_failure").isNull()).isTrue();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void answersAWriteWithTheStateAsItReadsBack() {
        FileTokenStore store = FileTokenStore.builder().directory(temp).fsync(false).build();
        Instant withNanos = Instant.parse("2026-03-01T10:15:30.123456789Z");
        var next = new dev.cnptoken.domain.TokenState(state.accessToken(), "bearer", withNanos, state.refreshToken(),
                withNanos, withNanos, Optional.empty(),
                Optional.of(new dev.cnptoken.domain.Lease("me", withNanos)),
                Optional.of(new dev.cnptoken.domain.FailureNote("unavailable", "x", withNanos)));

        var written = ((dev.cnptoken.domain.port.CasResult.Written)
                store.compareAndSet(AccountId.of("acme"), TokenStore.ABSENT, next)).state();

        assertThat(store.read(AccountId.of("acme"))).contains(written);
        assertThat(written.state().accessExpiresAt()).isEqualTo(Instant.parse("2026-03-01T10:15:30.123Z"));
        assertThat(written.state().lease().orElseThrow().until()).isEqualTo(Instant.parse("2026-03-01T10:15:30.123Z"));
    }

    @Test
    void usesAFreshNonceForEveryWrite() throws Exception {
        FileTokenStore store = FileTokenStore.builder().directory(temp.resolve("s"))
                .encryptionKeyFile(TestFiles.writeKeyFile(temp.resolve("key"), TestFiles.newKeyBase64()))
                .fsync(false).build();
        AccountId account = AccountId.of("acme");
        Set<String> nonces = new HashSet<>();
        for (int version = 0; version < 50; version++) {
            store.compareAndSet(account, version, state);
            byte[] file = Files.readAllBytes(temp.resolve("s/acme.json"));
            nonces.add(Base64.getEncoder().encodeToString(Arrays.copyOfRange(file, 14, 26)));
        }
        assertThat(nonces).hasSize(50);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
