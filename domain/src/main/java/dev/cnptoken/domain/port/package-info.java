/**
 * The two ports of cnp-token: {@link dev.cnptoken.domain.port.TokenRefresher}, the FortiCNP
 * authentication calls, and {@link dev.cnptoken.domain.port.TokenStore}, where account state lives.
 * Adapters implement them; the engine uses them.
 */
package dev.cnptoken.domain.port;
