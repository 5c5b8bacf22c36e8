/**
 * Test support for cnp-token and its adopters: the contract suites every port implementation runs
 * ({@link dev.cnptoken.testkit.TokenStoreContract}, {@code TokenRefresherContract}), a FortiCNP
 * simulator and a Vault HTTP API emulator, both real HTTP servers.
 */
package dev.cnptoken.testkit;
