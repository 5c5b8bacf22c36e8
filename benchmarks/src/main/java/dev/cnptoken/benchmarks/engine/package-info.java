/** The engine's hit path beside a plain volatile read. */
package dev.cnptoken.benchmarks.engine;
