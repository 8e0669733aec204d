package org.vpsrecovery.application.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliverySlotsTest {

    @Test
    void slotsAreBoundedInAllAndPerHostAndComeBackOnce() {
        DeliverySlots slots = new DeliverySlots(2, 1);

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
        assertThatThrownBy(() -> new DeliverySlots(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
