package dev.cnptoken.domain.port.archfixture;

/** Fixture: a class (not an interface) among the ports. Breaks the port rule on purpose. */
public class ConcretePort {}
