/** Harnesses of FortiCNP API calls through the shipped integrations, beside the same call with a hand-set header. */
package dev.cnptoken.benchmarks.api;
