package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.audit.AuditReadSlots;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.report.AuditReadsBusy;
import org.vpsrecovery.domain.port.AuditEventStream;

/** vpsr.audit.reads.* (ADR 0062): a wrong value stops the start naming the keys; the gauge shows the slots taken. */
class AuditReadSlotsSettingsTest {

    private final RecoveryServicesFactory factory = new RecoveryServicesFactory();

    @Test
    void aWrongSettingStopsTheStartNamingTheKeys() {
        assertThatThrownBy(() -> factory.auditReadSlots(0, 0, Duration.ofSeconds(2), new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.audit.reads.concurrent")
                .hasMessageContaining("1-64");
        assertThatThrownBy(() -> factory.auditReadSlots(4, 0, Duration.ofMinutes(5), new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.audit.reads.max-wait");
        assertThatThrownBy(() -> factory.auditReadSlots(4, 5, Duration.ofSeconds(2), new SimpleMeterRegistry()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.audit.reads.per-reader")
                .hasMessageContaining("1-4");
    }

    @Test
    void unsetAReadersShareIsTwoOrEverySlotWhenThereAreFewer() {
        AuditReader auditor = new AuditReader.Auditor("compliance");
        AuditReadSlots four = factory.auditReadSlots(4, 0, Duration.ZERO, new SimpleMeterRegistry());
        four.stream(auditor, AuditReadSlotsSettingsTest::empty);
        four.stream(auditor, AuditReadSlotsSettingsTest::empty);
        assertThatThrownBy(() -> four.stream(auditor, AuditReadSlotsSettingsTest::empty)).isInstanceOf(AuditReadsBusy.class);
        assertThat(four.available()).isEqualTo(2);

        AuditReadSlots one = factory.auditReadSlots(1, 0, Duration.ZERO, new SimpleMeterRegistry());
        one.stream(auditor, AuditReadSlotsSettingsTest::empty);
        assertThat(one.available()).isZero();
    }

    @Test
    void unsetAReadersShareOfPagesIsTwoOrEveryPageSlotWhenThereAreFewer() {
        AuditReader auditor = new AuditReader.Auditor("compliance");
        AuditReadSlots one = factory.auditPageSlots(1, 0, new SimpleMeterRegistry());
        one.stream(auditor, AuditReadSlotsSettingsTest::empty);
        assertThat(one.available()).isZero();

        AuditReadSlots eight = factory.auditPageSlots(8, 0, new SimpleMeterRegistry());
        eight.stream(auditor, AuditReadSlotsSettingsTest::empty);
        eight.stream(auditor, AuditReadSlotsSettingsTest::empty);
        assertThatThrownBy(() -> eight.stream(auditor, AuditReadSlotsSettingsTest::empty)).isInstanceOf(AuditReadsBusy.class);
        assertThat(eight.available()).isEqualTo(6);
    }

    @Test
    void theGaugeCountsTheSlotsTaken() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AuditReadSlots slots = factory.auditReadSlots(3, 0, Duration.ZERO, registry);
        AuditEventStream held = slots.stream(new AuditReader.Auditor("compliance"), AuditReadSlotsSettingsTest::empty);

        assertThat(registry.get("vpsr.audit.reads.in_use").gauge().value()).isEqualTo(1.0);
        held.close();
        assertThat(registry.get("vpsr.audit.reads.in_use").gauge().value()).isZero();
    }

    private static AuditEventStream empty() {
        return new AuditEventStream() {
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
        };
    }
}
