package org.vpsrecovery.bootstrap.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

    /**
     * The inbound adapters (the REST facade, the console) read what a provider failure says of itself (the port's
     * {@code ProviderFailure}: never sent, its words for the caller), never the outbound VPS.org client: a facade that
     * asked the client which failure is which kept a list of cases the client's next one would miss (ADR 0006, amended
     * in session 52). The request's deadline ({@code ProviderDeadline}), which the facade sets for the client to read, is
     * the one thing they share.
     */
    ArchRule inboundAdaptersIgnoreTheOutboundClient() {
        return noClasses().that().resideInAnyPackage(root + ".adapters.http.facade..", root + ".adapters.http.console..")
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "reside in " + root + ".adapters.http.provider.. (but ProviderDeadline)",
                        (JavaClass target) -> target.getPackageName().startsWith(root + ".adapters.http.provider")
                                && !target.getSimpleName().equals("ProviderDeadline")))
                .because("the facade reads what a provider failure says of itself, not the client that threw it")
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

    /**
     * The REST facade's routes are the web adapter's: a use case's message that names one tells the console's and the
     * CLI's users of a wire they do not use, and moves with no adapter test noticing. Read from the class files' string
     * constants, which ArchUnit does not model.
     */
    ArchRule innerModulesNameNoRoute() {
        return noClasses().that().resideInAnyPackage(root + ".domain..", root + ".application..")
                .should(nameARouteOfTheFacade())
                .because("the inbound adapters say where a caller reads something; the use cases name what it is")
                .allowEmptyShould(true);
    }

    private static ArchCondition<JavaClass> nameARouteOfTheFacade() {
        String route = "/api/v1/";
        return new ArchCondition<>("name a route of the REST facade (" + route + "...)") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                boolean names = item.getSource().map(source -> {
                    try (InputStream in = source.getUri().toURL().openStream()) {
                        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(route);
                    } catch (IOException unreadable) {
                        throw new UncheckedIOException("cannot read " + source.getUri(), unreadable);
                    }
                }).orElse(false);
                events.add(new SimpleConditionEvent(item, names, item.getName() + " names a route of the REST facade"));
            }
        };
    }

    ArchRule noPackageCycles() {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    List<ArchRule> all() {
        return List.of(domainSeesOnlyTheJdk(), applicationSeesOnlyTheDomainAndTheJdk(), innerModulesNameNoRoute(),
                httpAdapterIgnoresPersistenceAdapter(), persistenceAdapterIgnoresHttpAdapter(),
                inboundAdaptersIgnoreTheOutboundClient(),
                nothingDependsOnBootstrap(), simulatorStandsAlone(), onlyBootstrapRunsTheSimulator(), commandLineStandsAlone(),
                noPackageCycles());
    }
}
