/** JMH benchmarks of the HTTP transports against the FortiCNP simulator on loopback. */
package dev.cnptoken.benchmarks.http;
