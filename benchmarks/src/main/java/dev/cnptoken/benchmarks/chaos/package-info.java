/**
 * The fleet chaos harness's environment for {@code benchmarks/chaos/run.sh}: a FortiCNP simulator
 * behind a gate that can go down, and a reader that uses the access tokens a fleet of {@code
 * cnp-token run} daemons keeps in Redis while the script kills daemons, restarts Redis and cuts
 * FortiCNP off.
 */
package dev.cnptoken.benchmarks.chaos;
