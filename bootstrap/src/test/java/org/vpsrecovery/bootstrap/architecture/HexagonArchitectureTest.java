package org.vpsrecovery.bootstrap.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The rules hold for the real modules, and each one catches the fixture built to break it. */
class HexagonArchitectureTest {

    private static final JavaClasses PRODUCTION = PlatformClasses.production();

    private static final JavaClasses FIXTURE = new ClassFileImporter()
            .importPackages("org.vpsrecovery.archfixture");

    private static final HexagonRules REAL = new HexagonRules("org.vpsrecovery");
    private static final HexagonRules BROKEN = new HexagonRules("org.vpsrecovery.archfixture");

    @Test
    void theImportSeesEveryInnerModule() {
        assertThat(PRODUCTION.contain("org.vpsrecovery.domain.snapshot.Snapshot")).isTrue();
        assertThat(PRODUCTION.contain("org.vpsrecovery.application.snapshot.CreateSnapshotService")).isTrue();
        assertThat(PRODUCTION.contain("org.vpsrecovery.adapters.http.facade.SnapshotsController")).isTrue();
        assertThat(PRODUCTION.contain("org.vpsrecovery.adapters.persistence.JdbcAuditHistory")).isTrue();
        assertThat(PRODUCTION.contain("org.vpsrecovery.simulator.VpsOrgSimulator")).isTrue();
        assertThat(PRODUCTION.contain("org.vpsrecovery.bootstrap.Application")).isTrue();
        assertThat(PRODUCTION.contain("org.vpsrecovery.cli.Vpsr")).isTrue();
        assertThat(PRODUCTION.stream().noneMatch(c -> c.getPackageName().startsWith("org.vpsrecovery.archfixture")))
                .isTrue();
    }

    @Test
    void theRealModulesKeepEveryRule() {
        REAL.all().forEach(rule -> rule.check(PRODUCTION));
    }

    @Test
    void aFrameworkInTheDomainIsCaught() {
        assertCaught(HexagonRules::domainSeesOnlyTheJdk, "archfixture.domain.AnnotatedEntity");
    }

    @Test
    void anAdapterInTheApplicationIsCaught() {
        assertCaught(HexagonRules::applicationSeesOnlyTheDomainAndTheJdk, "archfixture.application.LeakyUseCase");
    }

    @Test
    void adaptersReachingEachOtherAreCaught() {
        assertCaught(HexagonRules::httpAdapterIgnoresPersistenceAdapter, "archfixture.adapters.http.SqlInController");
        assertCaught(HexagonRules::persistenceAdapterIgnoresHttpAdapter, "archfixture.adapters.persistence.JsonInRepository");
    }

    @Test
    void anInboundAdapterAskingTheOutboundClientIsCaught() {
        assertCaught(HexagonRules::inboundAdaptersIgnoreTheOutboundClient, "archfixture.adapters.http.facade.AskingTheClient");
    }

    @Test
    void aDependencyOnBootstrapIsCaught() {
        assertCaught(HexagonRules::nothingDependsOnBootstrap, "archfixture.domain.ConfiguredPolicy");
    }

    @Test
    void aSimulatorThatKnowsUsOrAnAdapterThatRunsItIsCaught() {
        assertCaught(HexagonRules::simulatorStandsAlone, "archfixture.simulator.ProviderState");
        assertCaught(HexagonRules::onlyBootstrapRunsTheSimulator, "archfixture.adapters.http.SimulatedClient");
    }

    @Test
    void aCommandLineThatReachesPastTheFacadeIsCaught() {
        assertCaught(HexagonRules::commandLineStandsAlone, "archfixture.cli.DatabaseCommand");
    }

    @Test
    void aRouteNamedInAUseCaseIsCaught() {
        assertCaught(HexagonRules::innerModulesNameNoRoute, "archfixture.application.RouteInMessage");
    }

    @Test
    void aPackageCycleIsCaught() {
        assertCaught(HexagonRules::noPackageCycles, "archfixture.cycle.a.Left");
    }

    private static void assertCaught(Function<HexagonRules, ArchRule> rule, String offender) {
        assertThatThrownBy(() -> rule.apply(BROKEN).check(FIXTURE))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(offender);
    }
}
