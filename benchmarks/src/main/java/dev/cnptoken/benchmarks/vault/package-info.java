/**
 * JMH benchmark of the Vault token store: a read plus compare-and-set round trip through {@code
 * VaultTokenStore}, beside the Vault driver doing a plain KV v2 read and check-and-set write, both
 * against the Vault emulator on loopback.
 */
package dev.cnptoken.benchmarks.vault;
