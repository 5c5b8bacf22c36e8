/**
 * A HashiCorp Vault HTTP API emulator for tests: {@link dev.cnptoken.testkit.vault.VaultEmulator},
 * a real HTTP server on loopback that speaks the part of Vault's API a token store uses (KV v2,
 * AppRole login, token lookup and renewal, health, sealing, namespaces and path policies).
 */
package dev.cnptoken.testkit.vault;
