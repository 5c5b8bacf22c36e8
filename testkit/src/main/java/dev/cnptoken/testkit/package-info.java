/**
 * Test support for cnp-token and its adopters: the contract suites every port implementation runs
 * ({@link dev.cnptoken.testkit.TokenStoreContract}, {@code TokenRefresherContract}, and for the
 * builders of HTTP refreshers {@code TokenRefresherOptionsContract}, both driving the FortiCNP
 * simulator of {@code cnp-token-simulator}) and a Vault HTTP API emulator, a real HTTP server.
 * Test scope only: no shipped code depends on this package.
 */
package dev.cnptoken.testkit;
