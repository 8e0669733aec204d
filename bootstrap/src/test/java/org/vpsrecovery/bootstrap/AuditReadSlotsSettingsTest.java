package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.audit.AuditReadSlots;
import org.vpsrecovery.domain.port.AuditEventStream;

/** vpsr.audit.reads.* (ADR 0062): a wrong value stops the start naming the keys; the gauge shows the slots taken. */
class AuditReadSlotsSettingsTest {

    private final RecoveryServicesFactory factory = new RecoveryServicesFactory();

    @Test
    void aWrongSettingStopsTheStartNamingTheKeys() {
        assertThatThrownBy(() -> factory.auditReadSlots(0, Duration.ofSeconds(2), new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.audit.reads.concurrent")
                .hasMessageContaining("1-64");
        assertThatThrownBy(() -> factory.auditReadSlots(4, Duration.ofMinutes(5), new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.audit.reads.max-wait");
    }

    @Test
    void theGaugeCountsTheSlotsTaken() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AuditReadSlots slots = factory.auditReadSlots(3, Duration.ZERO, registry);
        AuditEventStream held = slots.stream(() -> new AuditEventStream() {
            @Override
            public boolean hasNext() {
                return false;
            }

            @Override
            public org.vpsrecovery.domain.audit.RecordedAuditEvent next() {
                throw new java.util.NoSuchElementException();
            }

            @Override
            public void close() {
            }
        });

        assertThat(registry.get("vpsr.audit.reads.in_use").gauge().value()).isEqualTo(1.0);
        held.close();
        assertThat(registry.get("vpsr.audit.reads.in_use").gauge().value()).isZero();
    }
}
