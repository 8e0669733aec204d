package org.vpsrecovery.application.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliverySlotsTest {

    private static final Duration SHORTEST = Duration.ofSeconds(2);
    private static final Duration LONGEST = Duration.ofSeconds(30);

    @Test
    void slotsAreBoundedInAllAndPerHostAndComeBackOnce() {
        DeliverySlots slots = new DeliverySlots(2, 1, SHORTEST, LONGEST);

        Optional<DeliverySlots.Slot> a = slots.tryTake("a.example.com");
        assertThat(a).isPresent();
        assertThat(slots.tryTake("A.example.com")).as("the same host, however spelt").isEmpty();
        Optional<DeliverySlots.Slot> b = slots.tryTake("b.example.com");
        assertThat(b).isPresent();
        assertThat(slots.tryTake("c.example.com")).as("all taken").isEmpty();

        a.get().close();
        a.get().close(); // given back once only
        assertThat(slots.tryTake("c.example.com")).isPresent();
        assertThat(slots.tryTake("a.example.com")).isEmpty();
        b.get().close();
        assertThat(slots.tryTake("a.example.com")).isPresent();
    }

    @Test
    void perHostIsAtLeastOneAndAtMostInAll() {
        assertThatThrownBy(() -> new DeliverySlots(0, 1, SHORTEST, LONGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 0, SHORTEST, LONGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 3, SHORTEST, LONGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 1, LONGEST, SHORTEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 1, Duration.ZERO, LONGEST)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A put-off is as long as its host has been refusing attempts, from the shortest to the longest; another host, or
     * every slot taken, has its own; after a pause of the longest it starts short again.
     */
    @Test
    void aPutOffGrowsWhileItsHostStaysBusyAndIsBounded() {
        DeliverySlots slots = new DeliverySlots(2, 1, SHORTEST, LONGEST);
        Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
        Optional<DeliverySlots.Slot> slow = slots.tryTake("slow.example.com");

        assertThat(slots.putOff("slow.example.com", t0)).isEqualTo(SHORTEST);
        assertThat(slots.putOff("SLOW.example.com", t0.plusSeconds(2))).isEqualTo(SHORTEST);
        assertThat(slots.putOff("slow.example.com", t0.plusSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        assertThat(slots.putOff("slow.example.com", t0.plusSeconds(35))).isEqualTo(LONGEST);
        assertThat(slots.putOff("slow.example.com", t0.plusSeconds(65))).as("refused again within 30 s: still busy").isEqualTo(LONGEST);

        Optional<DeliverySlots.Slot> other = slots.tryTake("other.example.com");
        assertThat(slots.putOff("third.example.com", t0.plusSeconds(65))).as("every slot taken: its own count")
                .isEqualTo(SHORTEST);
        other.orElseThrow().close();

        assertThat(slots.putOff("slow.example.com", t0.plusSeconds(96))).as("no refusal for longer than the longest")
                .isEqualTo(SHORTEST);
        slow.orElseThrow().close();
    }
}
