package dev.cnptoken.app.arch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering of the production code of every module (the app sees them all). */
@AnalyzeClasses(packages = "dev.cnptoken", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule domainDependsOnTheJdkOnly = ArchitectureRules.DOMAIN_DEPENDS_ON_JDK_ONLY;

    @ArchTest
    static final ArchRule adaptersDoNotSeeEachOther = ArchitectureRules.ADAPTERS_DO_NOT_SEE_EACH_OTHER;

    @ArchTest
    static final ArchRule nothingDependsOnTheApp = ArchitectureRules.NOTHING_DEPENDS_ON_THE_APP;

    @ArchTest
    static final ArchRule nothingShippedDependsOnTheTestkit = ArchitectureRules.NOTHING_SHIPPED_DEPENDS_ON_THE_TESTKIT;

    @ArchTest
    static final ArchRule simulatorDependsOnTheDomainAndJacksonOnly =
            ArchitectureRules.SIMULATOR_DEPENDS_ON_THE_DOMAIN_AND_JACKSON_ONLY;

    @ArchTest
    static final ArchRule metricsDependOnTheDomainAndMicrometerOnly =
            ArchitectureRules.METRICS_DEPEND_ON_THE_DOMAIN_AND_MICROMETER_ONLY;

    @ArchTest
    static final ArchRule simulatorChangesNoJvmSetting = ArchitectureRules.SIMULATOR_CHANGES_NO_JVM_SETTING;

    @ArchTest
    static final ArchRule portsAreInterfaces = ArchitectureRules.PORTS_ARE_INTERFACES;

    @ArchTest
    static final ArchRule storesAreNamedAfterThePort = ArchitectureRules.STORES_ARE_NAMED_AFTER_THE_PORT;

    @ArchTest
    static final ArchRule refreshersAreNamedAfterThePort = ArchitectureRules.REFRESHERS_ARE_NAMED_AFTER_THE_PORT;

    @ArchTest
    static final ArchRule noCyclesBetweenModules = ArchitectureRules.NO_CYCLES_BETWEEN_MODULES;
}
