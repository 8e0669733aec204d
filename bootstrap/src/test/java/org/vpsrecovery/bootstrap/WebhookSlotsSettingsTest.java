package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.webhook.DeliverySlots;
import org.vpsrecovery.domain.common.TeamId;

/** vpsr.webhooks.max-concurrent* (ADR 0025): a wrong value stops the start naming its key; a team's share by default. */
class WebhookSlotsSettingsTest {

    private static final Duration NO_SLOT_RETRY = Duration.ofSeconds(2);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId RED = new TeamId("red");

    private final WebhooksFactory factory = new WebhooksFactory();

    @Test
    void aWrongSettingStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> factory.webhookDeliverySlots(4, 1, 0, NO_SLOT_RETRY, FIRST_RETRY, new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.webhooks.max-concurrent ");
        assertThatThrownBy(() -> factory.webhookDeliverySlots(2, 3, 0, NO_SLOT_RETRY, FIRST_RETRY, new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.webhooks.max-concurrent-per-host");
        assertThatThrownBy(() -> factory.webhookDeliverySlots(2, 1, 3, NO_SLOT_RETRY, FIRST_RETRY, new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.webhooks.max-concurrent-per-team")
                .hasMessageContaining("1-2");
        assertThatThrownBy(() -> factory.webhookDeliverySlots(2, 1, -1, NO_SLOT_RETRY, FIRST_RETRY, new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.webhooks.max-concurrent-per-team");
        assertThatThrownBy(() -> factory.webhookDeliverySlots(2, 1, 0, Duration.ZERO, FIRST_RETRY, new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.webhooks.no-slot-retry");
    }

    /** Unset, a team's share is every slot but one: another team always finds one; with one slot in all, that one. */
    @Test
    void unsetATeamsShareLeavesOneSlotForAnotherTeam() {
        DeliverySlots three = factory.webhookDeliverySlots(3, 1, 0, NO_SLOT_RETRY, FIRST_RETRY, new SimpleMeterRegistry());
        assertThat(three.tryTake(BLUE, "a.example.com")).isPresent();
        assertThat(three.tryTake(BLUE, "b.example.com")).isPresent();
        assertThat(three.tryTake(BLUE, "c.example.com")).isEmpty();
        assertThat(three.tryTake(RED, "c.example.com")).isPresent();

        DeliverySlots one = factory.webhookDeliverySlots(1, 1, 0, NO_SLOT_RETRY, FIRST_RETRY, new SimpleMeterRegistry());
        assertThat(one.tryTake(BLUE, "a.example.com")).isPresent();
    }

    /** Put-offs are counted by cause, for an operator to see them pile up (ADR 0025, session 38). */
    @Test
    void putOffsAreCountedByCause() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeliverySlots slots = factory.webhookDeliverySlots(2, 1, 0, NO_SLOT_RETRY, FIRST_RETRY, registry);
        var held = slots.tryTake(BLUE, "a.example.com").orElseThrow();
        slots.putOff(RED, "a.example.com", Instant.EPOCH);
        slots.putOff(RED, "a.example.com", Instant.EPOCH.plusSeconds(2));
        slots.putOff(BLUE, "b.example.com", Instant.EPOCH.plusSeconds(2));

        assertThat(registry.get("vpsr.webhooks.put_offs").tag("cause", "host").functionCounter().count()).isEqualTo(2.0);
        assertThat(registry.get("vpsr.webhooks.put_offs").tag("cause", "team").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("vpsr.webhooks.put_offs").tag("cause", "lookup").functionCounter().count()).isZero();
        assertThat(registry.get("vpsr.webhooks.put_offs").tag("cause", "team_lookups").functionCounter().count()).isZero();
        held.close();
    }
}
