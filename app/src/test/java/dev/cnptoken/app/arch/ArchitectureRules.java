package dev.cnptoken.app.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.port.TokenStore;

/** The layering rules, shared by the test over production code and the test that proves each can fail. */
final class ArchitectureRules {
    private ArchitectureRules() {}

    static final ArchRule DOMAIN_DEPENDS_ON_JDK_ONLY = classes()
            .that().resideInAPackage("dev.cnptoken.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.cnptoken.domain..", "java..", "")
            .because("the domain is framework-free: adopters embed it with any transport and store");

    static final ArchRule ADAPTERS_DO_NOT_SEE_EACH_OTHER = slices()
            .matching("dev.cnptoken.adapters.(*).(*)..")
            .should().notDependOnEachOther()
            .ignoreDependency(resideInAPackage("dev.cnptoken.adapters.http.."),
                    resideInAPackage("dev.cnptoken.adapters.http.common.."))
            .because("adapters meet only in the app, which wires them; the HTTP adapters share only"
                    + " adapters-http-common, their support module");

    static final ArchRule NOTHING_DEPENDS_ON_THE_APP = classes()
            .that().resideOutsideOfPackage("dev.cnptoken.app..")
            .and().resideInAPackage("dev.cnptoken..")
            .should().onlyDependOnClassesThat().resideOutsideOfPackage("dev.cnptoken.app..")
            .because("the app is the outermost layer");

    static final ArchRule PORTS_ARE_INTERFACES = classes()
            .that().resideInAPackage("dev.cnptoken.domain.port..")
            .and().areTopLevelClasses()
            .should().beInterfaces()
            .because("ports are contracts; values live in the domain package");

    static final ArchRule STORES_ARE_NAMED_AFTER_THE_PORT = classes()
            .that().implement(TokenStore.class)
            .should().haveSimpleNameEndingWith("TokenStore")
            .because("adapters are named <Technology><Port>");

    static final ArchRule REFRESHERS_ARE_NAMED_AFTER_THE_PORT = classes()
            .that().implement(TokenRefresher.class)
            .should().haveSimpleNameEndingWith("TokenRefresher")
            .because("adapters are named <Technology><Port>");

    static final ArchRule NO_CYCLES_BETWEEN_MODULES = slices()
            .matching("dev.cnptoken.(*)..")
            .should().beFreeOfCycles()
            .because("modules form a hierarchy: domain, adapters and testkit, app");
}
