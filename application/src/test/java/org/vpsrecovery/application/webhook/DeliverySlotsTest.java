package org.vpsrecovery.application.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;

class DeliverySlotsTest {

    private static final Duration SHORTEST = Duration.ofSeconds(2);
    private static final Duration LONGEST = Duration.ofSeconds(30);
    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId RED = new TeamId("red");
    private static final TeamId GREEN = new TeamId("green");

    @Test
    void slotsAreBoundedInAllAndPerHostAndComeBackOnce() {
        DeliverySlots slots = new DeliverySlots(2, 1, 2, SHORTEST, LONGEST);

        Optional<DeliverySlots.Slot> a = slots.tryTake(BLUE, "a.example.com");
        assertThat(a).isPresent();
        assertThat(slots.tryTake(RED, "A.example.com")).as("the same host, however spelt, whoever's").isEmpty();
        Optional<DeliverySlots.Slot> b = slots.tryTake(BLUE, "b.example.com");
        assertThat(b).isPresent();
        assertThat(slots.tryTake(RED, "c.example.com")).as("all taken").isEmpty();

        a.get().close();
        a.get().close(); // given back once only
        assertThat(slots.tryTake(BLUE, "c.example.com")).isPresent();
        assertThat(slots.tryTake(BLUE, "a.example.com")).isEmpty();
        b.get().close();
        assertThat(slots.tryTake(BLUE, "a.example.com")).isPresent();
    }

    /**
     * One team's attempts to slow receivers on as many hosts as it likes hold at most its share: the slot left is
     * another team's (ADR 0025, session 38). Without the share, blue's second host took the last slot and red found none.
     */
    @Test
    void oneTeamHoldsAtMostItsShareAndAnotherTeamStillGetsASlot() {
        DeliverySlots slots = new DeliverySlots(3, 1, 2, SHORTEST, LONGEST);

        Optional<DeliverySlots.Slot> first = slots.tryTake(BLUE, "slow1.example.com");
        Optional<DeliverySlots.Slot> second = slots.tryTake(BLUE, "slow2.example.com");
        assertThat(first).isPresent();
        assertThat(second).isPresent();
        assertThat(slots.tryTake(BLUE, "slow3.example.com")).as("blue's share is taken, another host or not").isEmpty();

        Optional<DeliverySlots.Slot> red = slots.tryTake(RED, "hooks.red.example");
        assertThat(red).as("another team's delivery gets the slot left").isPresent();
        assertThat(slots.tryTake(GREEN, "hooks.green.example")).as("every slot taken").isEmpty();

        first.orElseThrow().close();
        assertThat(slots.tryTake(BLUE, "slow3.example.com")).as("blue's share came back").isPresent();
        second.orElseThrow().close();
        red.orElseThrow().close();
    }

    @Test
    void perHostAndPerTeamAreAtLeastOneAndAtMostInAll() {
        assertThatThrownBy(() -> new DeliverySlots(0, 1, 1, SHORTEST, LONGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 0, 1, SHORTEST, LONGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 3, 1, SHORTEST, LONGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 1, 0, SHORTEST, LONGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 1, 3, SHORTEST, LONGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 1, 1, LONGEST, SHORTEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliverySlots(2, 1, 1, Duration.ZERO, LONGEST)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A put-off is as long as its host has been refusing attempts, from the shortest to the longest; another host, or
     * every slot taken, has its own; after a pause of the longest it starts short again.
     */
    @Test
    void aPutOffGrowsWhileItsHostStaysBusyAndIsBounded() {
        DeliverySlots slots = new DeliverySlots(2, 1, 2, SHORTEST, LONGEST);
        Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
        Optional<DeliverySlots.Slot> slow = slots.tryTake(BLUE, "slow.example.com");

        assertThat(slots.putOff(BLUE, "slow.example.com", t0)).isEqualTo(SHORTEST);
        assertThat(slots.putOff(BLUE, "SLOW.example.com", t0.plusSeconds(2))).isEqualTo(SHORTEST);
        assertThat(slots.putOff(BLUE, "slow.example.com", t0.plusSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        assertThat(slots.putOff(BLUE, "slow.example.com", t0.plusSeconds(35))).isEqualTo(LONGEST);
        assertThat(slots.putOff(BLUE, "slow.example.com", t0.plusSeconds(65))).as("refused again within 30 s: still busy").isEqualTo(LONGEST);

        Optional<DeliverySlots.Slot> other = slots.tryTake(RED, "other.example.com");
        assertThat(slots.putOff(GREEN, "third.example.com", t0.plusSeconds(65))).as("every slot taken: its own count")
                .isEqualTo(SHORTEST);
        other.orElseThrow().close();

        assertThat(slots.putOff(BLUE, "slow.example.com", t0.plusSeconds(96))).as("no refusal for longer than the longest")
                .isEqualTo(SHORTEST);
        slow.orElseThrow().close();
    }

    /** A team at its share has its own count of put-offs, apart from its hosts' and from all the slots'. */
    @Test
    void aTeamAtItsShareIsPutOffByItsOwnCount() {
        DeliverySlots slots = new DeliverySlots(2, 1, 1, SHORTEST, LONGEST);
        Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
        Optional<DeliverySlots.Slot> blue = slots.tryTake(BLUE, "slow.example.com");

        assertThat(slots.putOff(BLUE, "another.example.com", t0)).isEqualTo(SHORTEST);
        assertThat(slots.putOff(BLUE, "another.example.com", t0.plusSeconds(20))).isEqualTo(Duration.ofSeconds(20));
        assertThat(slots.putOff(RED, "slow.example.com", t0.plusSeconds(20))).as("the host's own count").isEqualTo(SHORTEST);
        blue.orElseThrow().close();
    }

    /**
     * Put-offs are counted by cause (the metric {@code vpsr.webhooks.put_offs}), and a run of them that piles up (one
     * cause refusing for the longest put-off and more) is a WARN, once per {@link DeliverySlots#WARN_EVERY}, not one per
     * put-off (ADR 0025, session 38).
     */
    @Test
    void putOffsAreCountedByCauseAndARunThatPilesUpIsLoggedNowAndThen() {
        List<String> warnings = new ArrayList<>();
        Logger logger = Logger.getLogger(DeliverySlots.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING) {
                    warnings.add(new SimpleFormatter().formatMessage(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            DeliverySlots slots = new DeliverySlots(2, 1, 1, SHORTEST, LONGEST);
            Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
            Optional<DeliverySlots.Slot> blue = slots.tryTake(BLUE, "slow.example.com");
            for (int s = 0; s <= 60; s += 5) {
                slots.putOff(RED, "slow.example.com", t0.plusSeconds(s));
            }
            assertThat(warnings).singleElement().satisfies(w -> assertThat(w)
                    .contains("to host slow.example.com").contains("put off for 30 s"));
            for (int s = 80; s <= 620; s += 20) {
                slots.putOff(RED, "slow.example.com", t0.plusSeconds(s));
            }
            assertThat(warnings).as("the run goes on: not again within ten minutes").hasSize(1);
            slots.putOff(RED, "slow.example.com", t0.plusSeconds(30).plus(DeliverySlots.WARN_EVERY));
            assertThat(warnings).hasSize(2);

            slots.putOff(BLUE, "another.example.com", t0);
            slots.putOffForLookups(t0);
            Optional<DeliverySlots.Slot> red = slots.tryTake(RED, "other.example.com");
            slots.putOff(GREEN, "third.example.com", t0);

            assertThat(slots.putOffs(DeliverySlots.PutOffCause.HOST)).isEqualTo(13 + 28 + 1);
            assertThat(slots.putOffs(DeliverySlots.PutOffCause.TEAM)).isEqualTo(1);
            assertThat(slots.putOffs(DeliverySlots.PutOffCause.LOOKUP)).isEqualTo(1);
            assertThat(slots.putOffs(DeliverySlots.PutOffCause.INSTANCE)).isEqualTo(1);
            red.orElseThrow().close();
            blue.orElseThrow().close();
        } finally {
            logger.removeHandler(capture);
        }
    }
}
