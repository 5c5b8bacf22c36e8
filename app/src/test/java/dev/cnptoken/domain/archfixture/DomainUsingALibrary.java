package dev.cnptoken.domain.archfixture;

/** Fixture: a domain class that depends on a library (SLF4J). Breaks the domain rule on purpose. */
public class DomainUsingALibrary {
    public Object logger() {
        return org.slf4j.LoggerFactory.getLogger(DomainUsingALibrary.class);
    }
}
