package dev.cnptoken.domain.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals and opens bytes with AES-256-GCM: a fresh 96-bit nonce from {@link SecureRandom} per seal, a
 * 128-bit tag, and associated data that binds the ciphertext to where it is stored (an account, a
 * field), so a sealed value moved elsewhere fails authentication. A sealed value is {@code nonce (12
 * bytes) || ciphertext || tag (16 bytes)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class SecretCipher {
    /** Length of the nonce that starts every sealed value. */
    public static final int NONCE_LENGTH = 12;
    /** Length of the authentication tag that ends every sealed value. */
    public static final int TAG_LENGTH = 16;
    /** Bytes a sealed value has beyond its plaintext. */
    public static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private SecretCipher() {}

    /**
     * Seals {@code plaintext} under {@code key}, authenticating {@code associatedData} with it.
     *
     * @return {@code nonce || ciphertext || tag}
     */
    public static byte[] seal(EncryptionKey key, byte[] associatedData, byte[] plaintext, SecureRandom random) {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(associatedData, "associatedData == null");
        Objects.requireNonNull(plaintext, "plaintext == null");
        Objects.requireNonNull(random, "random == null");
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_LENGTH + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw brokenJvm(e);
        }
    }

    /**
     * Opens the sealed value in {@code data[offset, offset + length)}.
     *
     * @throws NotAuthentic when the value is shorter than {@link #OVERHEAD} or fails authentication:
     *     another key, altered bytes, or other associated data (moved from another account or field)
     */
    public static byte[] open(EncryptionKey key, byte[] associatedData, byte[] data, int offset, int length)
            throws NotAuthentic {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(associatedData, "associatedData == null");
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length < OVERHEAD) {
            throw new NotAuthentic("is " + length + " bytes long; a sealed value has at least " + OVERHEAD);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_LENGTH * 8, data, offset, NONCE_LENGTH));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(data, offset + NONCE_LENGTH, length - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw new NotAuthentic("failed authentication (AES-GCM tag mismatch)");
        } catch (GeneralSecurityException e) {
            throw brokenJvm(e);
        }
    }

    /** Opens a whole sealed value; see {@link #open(EncryptionKey, byte[], byte[], int, int)}. */
    public static byte[] open(EncryptionKey key, byte[] associatedData, byte[] sealed) throws NotAuthentic {
        Objects.requireNonNull(sealed, "sealed == null");
        return open(key, associatedData, sealed, 0, sealed.length);
    }

    private static IllegalStateException brokenJvm(GeneralSecurityException e) {
        // AES-GCM is mandatory in every Java SE implementation, and the key is always 32 bytes
        return new IllegalStateException(TRANSFORMATION + " is not usable in this JVM: " + e.getClass().getName());
    }

    /** A sealed value did not open: wrong key, altered, truncated, or bound to other associated data. */
    public static final class NotAuthentic extends Exception {
        private static final long serialVersionUID = 1L;

        NotAuthentic(String message) {
            super(message);
        }
    }
}
