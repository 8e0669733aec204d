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
                .should().onlyDependOnClassesThat().resideInAnyPackage(root + ".domain..", "java..")
                .because("the domain is pure Java: no framework, no adapter, no application");
    }

    ArchRule applicationSeesOnlyTheDomainAndTheJdk() {
        return classes().that().resideInAPackage(root + ".application..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage(root + ".application..", root + ".domain..", "java..")
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

    ArchRule noPackageCycles() {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    List<ArchRule> all() {
        return List.of(domainSeesOnlyTheJdk(), applicationSeesOnlyTheDomainAndTheJdk(),
                httpAdapterIgnoresPersistenceAdapter(), persistenceAdapterIgnoresHttpAdapter(),
                nothingDependsOnBootstrap(), noPackageCycles());
    }
}
