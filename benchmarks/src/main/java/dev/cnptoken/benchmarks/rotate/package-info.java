/**
 * The {@code cnp-token rotate} wall-time benchmark's environment: a FortiCNP simulator and a real
 * redis-server on loopback, seeded with many logged-in accounts, for {@code benchmarks/rotate/run.sh}.
 */
package dev.cnptoken.benchmarks.rotate;
