/**
 * The three ports of cnp-token: {@link dev.cnptoken.domain.port.TokenRefresher}, the FortiCNP
 * authentication calls; {@link dev.cnptoken.domain.port.TokenStore}, where account state lives; and
 * {@link dev.cnptoken.domain.port.CredentialSource}, where the API credential for a login comes
 * from. Adapters implement them; the engine uses them.
 */
package dev.cnptoken.domain.port;
