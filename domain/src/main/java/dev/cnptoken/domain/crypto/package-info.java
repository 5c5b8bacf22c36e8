/**
 * Encryption at rest shared by the stores: {@link dev.cnptoken.domain.crypto.EncryptionKey} (an
 * AES-256 key read from a file, an environment variable or text) and {@link
 * dev.cnptoken.domain.crypto.SecretCipher} (AES-256-GCM with associated data). JDK only ({@code
 * java..} and {@code javax.crypto..}); each store decides its own stored format around them.
 */
package dev.cnptoken.domain.crypto;
