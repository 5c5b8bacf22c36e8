/**
 * Ready-made {@link dev.cnptoken.domain.port.CredentialSource}s: {@link
 * dev.cnptoken.domain.credentials.CredentialSources} reads API credentials from files, a directory
 * of per-account files and environment variables, at each use.
 */
package dev.cnptoken.domain.credentials;
