/**
 * Test support for cnp-token and its adopters: the contract suites every port implementation runs
 * ({@link dev.cnptoken.testkit.TokenStoreContract}, {@code TokenRefresherContract}, and for the
 * builders of HTTP refreshers {@code TokenRefresherOptionsContract}), a FortiCNP
 * simulator and a Vault HTTP API emulator, both real HTTP servers.
 */
package dev.cnptoken.testkit;
