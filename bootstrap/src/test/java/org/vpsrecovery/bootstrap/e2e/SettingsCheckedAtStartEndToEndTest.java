package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.BeanRegistration;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Value;
import io.micronaut.inject.BeanDefinition;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.HealthStatusCodes;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Every bean of ours that takes a setting is built when the context starts (ADR 0021, amended in session 42), so that
 * a wrong value stops the start with its key named (exit code 2) rather than the first request that needs the bean
 * with a 500. Asked of the running context rather than of a list kept by hand: a bean added later with a
 * {@code @Value} argument and no {@code @Context} (nor a {@code @Context} bean that needs it) fails here.
 */
class SettingsCheckedAtStartEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of());

    /** Takes a setting it does not check: the health path it answers on, Micronaut's own keys. */
    private static final Set<String> CHECKING_NOTHING = Set.of(HealthStatusCodes.class.getName());

    @Test
    void everyBeanOfOursThatTakesASettingIsBuiltWhenTheContextStarts() {
        ApplicationContext context = SETUP.platform().context;
        List<BeanDefinition<?>> takingSettings = context.getAllBeanDefinitions().stream()
                .filter(SettingsCheckedAtStartEndToEndTest::ours)
                .filter(SettingsCheckedAtStartEndToEndTest::takesASetting)
                .filter(definition -> !CHECKING_NOTHING.contains(definition.getBeanType().getName()))
                .toList();
        Set<BeanDefinition<?>> built = context.getActiveBeanRegistrations(Object.class).stream()
                .map(BeanRegistration::getBeanDefinition).collect(Collectors.toSet());

        assertThat(takingSettings).as("beans of ours with @Value arguments").hasSizeGreaterThan(10);
        assertThat(takingSettings.stream().filter(definition -> !built.contains(definition))
                .map(SettingsCheckedAtStartEndToEndTest::described)).as("not built when the context started").isEmpty();
    }

    private static String described(BeanDefinition<?> definition) {
        return definition.getBeanType().getName() + definition.getDeclaringType()
                .filter(declaring -> !declaring.equals(definition.getBeanType()))
                .map(factory -> " (from " + factory.getSimpleName() + ")").orElse("");
    }

    private static boolean ours(BeanDefinition<?> definition) {
        Class<?> declaring = definition.getDeclaringType().orElse(definition.getBeanType());
        return declaring.getName().startsWith("org.vpsrecovery.");
    }

    /** A constructor or factory method with an argument bound from a setting. */
    private static boolean takesASetting(BeanDefinition<?> definition) {
        return Arrays.stream(definition.getConstructor().getArguments()).anyMatch(argument ->
                argument.getAnnotationMetadata().hasAnnotation(Value.class)
                        || argument.getAnnotationMetadata().hasAnnotation(Property.class));
    }
}
