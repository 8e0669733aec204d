package org.vpsrecovery.bootstrap.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The hexagon's dependency rules, for any root package: the real one ({@code org.vpsrecovery})
 * and the fixture that breaks each rule on purpose ({@code org.vpsrecovery.archfixture}).
 */
record HexagonRules(String root) {

    ArchRule domainSeesOnlyTheJdk() {
        return classes().that().resideInAPackage(root + ".domain..")
                // javax.crypto is java.base too: the webhook signature's HMAC (ADR 0025).
                .should().onlyDependOnClassesThat().resideInAnyPackage(root + ".domain..", "java..", "javax.crypto..")
                .because("the domain is pure Java: no framework, no adapter, no application");
    }

    ArchRule applicationSeesOnlyTheDomainAndTheJdk() {
        return classes().that().resideInAPackage(root + ".application..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(root + ".application..", root + ".domain..", "java..", "javax.crypto..")
                .because("use cases know the domain's ports, not the adapters behind them");
    }

    ArchRule httpAdapterIgnoresPersistenceAdapter() {
        return noClasses().that().resideInAPackage(root + ".adapters.http..")
                .should().dependOnClassesThat().resideInAPackage(root + ".adapters.persistence..")
                .because("adapters meet only through ports")
                .allowEmptyShould(true);
    }

    ArchRule persistenceAdapterIgnoresHttpAdapter() {
        return noClasses().that().resideInAPackage(root + ".adapters.persistence..")
                .should().dependOnClassesThat().resideInAPackage(root + ".adapters.http..")
                .because("adapters meet only through ports")
                .allowEmptyShould(true);
    }

    ArchRule nothingDependsOnBootstrap() {
        return noClasses().that().resideOutsideOfPackage(root + ".bootstrap..")
                .should().dependOnClassesThat().resideInAPackage(root + ".bootstrap..")
                .because("only the composition root sees everything, and nothing sees it")
                .allowEmptyShould(true);
    }

    ArchRule simulatorStandsAlone() {
        return noClasses().that().resideInAPackage(root + ".simulator..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".domain..", root + ".application..",
                        root + ".adapters..", root + ".bootstrap..")
                .because("the simulator stands in for VPS.org, which knows nothing of us")
                .allowEmptyShould(true);
    }

    ArchRule onlyBootstrapRunsTheSimulator() {
        return noClasses().that().resideOutsideOfPackages(root + ".bootstrap..", root + ".simulator..")
                .should().dependOnClassesThat().resideInAPackage(root + ".simulator..")
                .because("production code talks to VPS.org through the provider ports; only the embedded default starts the simulator")
                .allowEmptyShould(true);
    }

    ArchRule commandLineStandsAlone() {
        return noClasses().that().resideInAPackage(root + ".cli..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".domain..", root + ".application..",
                        root + ".adapters..", root + ".bootstrap..", root + ".simulator..")
                .because("vpsr is a client of the REST facade over HTTP, never of the database nor the use cases (ADR 0039)")
                .allowEmptyShould(true);
    }

    ArchRule noPackageCycles() {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    List<ArchRule> all() {
        return List.of(domainSeesOnlyTheJdk(), applicationSeesOnlyTheDomainAndTheJdk(),
                httpAdapterIgnoresPersistenceAdapter(), persistenceAdapterIgnoresHttpAdapter(),
                nothingDependsOnBootstrap(), simulatorStandsAlone(), onlyBootstrapRunsTheSimulator(), commandLineStandsAlone(),
                noPackageCycles());
    }
}
