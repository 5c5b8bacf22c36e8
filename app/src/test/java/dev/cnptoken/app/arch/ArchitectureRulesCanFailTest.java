package dev.cnptoken.app.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each layering rule, run over production code plus deliberately broken fixture classes (test
 * sources in the packages the rules guard), must report exactly those fixtures. A rule that could
 * never fail would pass here vacuously and fail this test.
 */
class ArchitectureRulesCanFailTest {
    private static JavaClasses withFixtures;

    @BeforeAll
    static void importEverythingIncludingFixtures() {
        withFixtures = new ClassFileImporter().importPackages("dev.cnptoken");
    }

    private static String violations(ArchRule rule) {
        EvaluationResult result = rule.evaluate(withFixtures);
        assertThat(result.hasViolation()).as("rule should fail on its fixture: %s", rule.getDescription()).isTrue();
        return String.join("\n", result.getFailureReport().getDetails());
    }

    @Test
    void domainRuleCatchesADomainClassUsingALibrary() {
        assertThat(violations(ArchitectureRules.DOMAIN_DEPENDS_ON_JDK_ONLY))
                .contains("dev.cnptoken.domain.archfixture.DomainUsingALibrary");
    }

    @Test
    void domainRuleAllowsTheJdksCipherApiButNoOtherPartOfJavax() {
        assertThat(violations(ArchitectureRules.DOMAIN_DEPENDS_ON_JDK_ONLY))
                .contains("dev.cnptoken.domain.archfixture.DomainUsingJavaxBeyondCrypto")
                .doesNotContain("dev.cnptoken.domain.crypto.");
    }

    @Test
    void adapterRuleCatchesAnAdapterUsingAnotherAdapter() {
        assertThat(violations(ArchitectureRules.ADAPTERS_DO_NOT_SEE_EACH_OTHER))
                .contains("dev.cnptoken.adapters.store.archfixture.StoreUsingHttpAdapter");
    }

    @Test
    void adapterRuleLetsOnlyHttpAdaptersUseTheHttpSupportModule() {
        assertThat(violations(ArchitectureRules.ADAPTERS_DO_NOT_SEE_EACH_OTHER))
                .contains("dev.cnptoken.adapters.http.archfixture.HttpAdapterUsingFeign")
                .contains("dev.cnptoken.adapters.store.archfixture.StoreUsingHttpSupport");
    }

    @Test
    void appRuleCatchesTheDomainUsingTheApp() {
        assertThat(violations(ArchitectureRules.NOTHING_DEPENDS_ON_THE_APP))
                .contains("dev.cnptoken.domain.archfixture.DomainUsingTheApp");
    }

    @Test
    void testkitRuleCatchesShippedCodeUsingTheTestkit() {
        assertThat(violations(ArchitectureRules.NOTHING_SHIPPED_DEPENDS_ON_THE_TESTKIT))
                .contains("dev.cnptoken.app.archfixture.ShippedCodeUsingTheTestkit");
    }

    @Test
    void simulatorRuleCatchesTheSimulatorUsingAnAdapter() {
        assertThat(violations(ArchitectureRules.SIMULATOR_DEPENDS_ON_THE_DOMAIN_AND_JACKSON_ONLY))
                .contains("dev.cnptoken.simulator.archfixture.SimulatorUsingAnAdapter");
    }

    @Test
    void metricsRuleCatchesTheMetricsModuleUsingAnAdapterOrTheApp() {
        assertThat(violations(ArchitectureRules.METRICS_DEPEND_ON_THE_DOMAIN_AND_MICROMETER_ONLY))
                .contains("dev.cnptoken.micrometer.archfixture.MetricsUsingAnAdapter")
                .contains("dev.cnptoken.micrometer.archfixture.MetricsUsingTheApp");
    }

    @Test
    void simulatorSideEffectRuleCatchesASystemPropertyBeingSet() {
        assertThat(violations(ArchitectureRules.SIMULATOR_CHANGES_NO_JVM_SETTING))
                .contains("dev.cnptoken.simulator.archfixture.SimulatorSettingAProperty");
    }

    @Test
    void portRuleCatchesAClassInThePortPackage() {
        assertThat(violations(ArchitectureRules.PORTS_ARE_INTERFACES))
                .contains("dev.cnptoken.domain.port.archfixture.ConcretePort");
    }

    @Test
    void namingRulesCatchBadlyNamedAdapters() {
        assertThat(violations(ArchitectureRules.STORES_ARE_NAMED_AFTER_THE_PORT))
                .contains("dev.cnptoken.adapters.store.archfixture.BadlyNamedStore");
        assertThat(violations(ArchitectureRules.REFRESHERS_ARE_NAMED_AFTER_THE_PORT))
                .contains("dev.cnptoken.adapters.http.archfixture.BadlyNamedHttpClient");
    }

    @Test
    void cycleRuleCatchesTwoModulesUsingEachOther() {
        assertThat(violations(ArchitectureRules.NO_CYCLES_BETWEEN_MODULES))
                .contains("archcyclea").contains("archcycleb");
    }
}
