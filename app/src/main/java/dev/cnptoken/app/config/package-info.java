/** Configuration: a YAML or properties file, {@code CNP_*} environment variables, then flags. */
package dev.cnptoken.app.config;
