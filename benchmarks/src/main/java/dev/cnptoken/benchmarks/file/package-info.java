/** JMH benchmark of the file token store beside raw JDK file I/O of the same document. */
package dev.cnptoken.benchmarks.file;
