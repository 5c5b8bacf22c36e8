/** TokenStore in HashiCorp Vault KV v2 via the Vault Java Driver. */
package dev.cnptoken.adapters.store.vault;
