/**
 * The FortiCNP simulator: the authentication API as documented, on a real JDK HTTP(S) server, for
 * {@code cnp-token simulate}, {@code cnp-token demo}, the tests and the benchmarks. {@link
 * dev.cnptoken.simulator.FortiCnpSimulator} is the entry point, {@link
 * dev.cnptoken.simulator.FortiCnpFault} a misbehaviour queued for one call, {@link
 * dev.cnptoken.simulator.SteppingClock} the clock that makes tokens expire without waiting. Besides
 * the authentication calls it answers the resource map and one data call ({@code POST
 * /api/v2/finding/list}, which demands the request context headers), and it is controllable while
 * it runs (revocation, faults, counters) from Java and from an admin HTTP API under {@code /_sim/}
 * that answers loopback clients only unless opened.
 *
 * <p>Shipped code: no test library, no key store (HTTPS uses a certificate made at run time), and
 * no JVM-wide setting changed as a side effect. Depends on the domain values, Jackson and SLF4J.
 */
package dev.cnptoken.simulator;
