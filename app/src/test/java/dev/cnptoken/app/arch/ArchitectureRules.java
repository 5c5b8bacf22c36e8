package dev.cnptoken.app.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import dev.cnptoken.domain.port.TokenRefresher;
import dev.cnptoken.domain.port.TokenStore;

/** The layering rules, shared by the test over production code and the test that proves each can fail. */
final class ArchitectureRules {
    private ArchitectureRules() {}

    static final ArchRule DOMAIN_DEPENDS_ON_JDK_ONLY = classes()
            .that().resideInAPackage("dev.cnptoken.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.cnptoken.domain..", "java..", "javax.crypto..", "")
            .because("the domain is framework-free: adopters embed it with any transport and store (javax.crypto"
                    + " is the JDK's own cipher API, for the encryption at rest the stores share)");

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

    static final ArchRule NOTHING_SHIPPED_DEPENDS_ON_THE_TESTKIT = classes()
            .that().resideOutsideOfPackage("dev.cnptoken.testkit..")
            .and().resideInAPackage("dev.cnptoken..")
            .should().onlyDependOnClassesThat().resideOutsideOfPackage("dev.cnptoken.testkit..")
            .because("the testkit is test code (JUnit contract suites, the Vault emulator): code that ships"
                    + " never depends on it, so the app's jar carries none of it");

    static final ArchRule SIMULATOR_DEPENDS_ON_THE_DOMAIN_AND_JACKSON_ONLY = classes()
            .that().resideInAPackage("dev.cnptoken.simulator..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.cnptoken.simulator..", "dev.cnptoken.domain..",
                    "com.fasterxml.jackson..", "org.slf4j..", "com.sun.net.httpserver..", "java..", "javax..", "")
            .because("the simulator plays FortiCNP for the app, the tests and the benchmarks: it must not see"
                    + " the adapters it is used to test, nor the app that ships it");

    static final ArchRule METRICS_DEPEND_ON_THE_DOMAIN_AND_MICROMETER_ONLY = classes()
            .that().resideInAPackage("dev.cnptoken.micrometer..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.cnptoken.micrometer..", "dev.cnptoken.domain..",
                    "io.micrometer..", "java..", "")
            .because("the metrics module is an adapter of the engine's event listener, published for library users:"
                    + " like every adapter it sees only the domain (and Micrometer), never another adapter nor the app");

    static final ArchRule SIMULATOR_CHANGES_NO_JVM_SETTING = noClasses()
            .that().resideInAPackage("dev.cnptoken.simulator..")
            .should().callMethod(System.class, "setProperty", String.class, String.class)
            .because("loading or starting the simulator must not change the JVM it runs in; the process"
                    + " that starts it sets what it wants (e.g. sun.net.httpserver.nodelay)");

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
            .because("modules form a hierarchy: domain, adapters, metrics and simulator, testkit, app");
}
