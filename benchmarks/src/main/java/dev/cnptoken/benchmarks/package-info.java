/** JMH benchmarks and harnesses of cnp-token. Run them as the README says; they are not tests. */
package dev.cnptoken.benchmarks;
