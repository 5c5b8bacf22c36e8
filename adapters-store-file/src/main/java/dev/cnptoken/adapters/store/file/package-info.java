/** TokenStore in local files (the embedded default). JDK only. */
package dev.cnptoken.adapters.store.file;
