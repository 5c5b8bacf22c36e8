/**
 * The values of cnp-token: accounts, secrets, what FortiCNP grants and what is stored per account,
 * and the typed failures every port reports with.
 *
 * <p>This package and its sub-packages depend on the JDK only. Secrets ({@link
 * dev.cnptoken.domain.AccessToken}, {@link dev.cnptoken.domain.RefreshToken}, {@link
 * dev.cnptoken.domain.ApiCredential}) never print their value: {@code toString()} shows a
 * redaction and a short SHA-256 fingerprint, enough to tell two secrets apart in a log.
 */
package dev.cnptoken.domain;
