package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.CreationStatus.Phase;
import org.vpsrecovery.domain.server.ServerStatus;

/** VPS.org's status and type words, read by the adapter into the domain's statuses and types (ADR 0003). */
class VpsOrgWireMapperStatusTest {

    @Test
    void creationStatusesReadTheDocumentedAndLikelyValues() {
        assertThat(VpsOrgWireMapper.creationStatus("in_progress")).isEqualTo(CreationStatus.IN_PROGRESS);
        assertThat(VpsOrgWireMapper.creationStatus("completed")).isEqualTo(CreationStatus.COMPLETED);
        assertThat(VpsOrgWireMapper.creationStatus("failed")).isEqualTo(CreationStatus.FAILED);
        assertThat(VpsOrgWireMapper.creationStatus("error").phase()).isEqualTo(Phase.FAILED);
        assertThat(VpsOrgWireMapper.creationStatus("error").label()).isEqualTo("error");
        assertThat(VpsOrgWireMapper.creationStatus("pending")).isEqualTo(new CreationStatus(Phase.IN_PROGRESS, "pending"));
        assertThat(VpsOrgWireMapper.creationStatus(" Completed ")).isEqualTo(new CreationStatus(Phase.COMPLETED, "Completed"));
    }

    @Test
    void unknownCreationStatusesAreKeptVerbatimNotCrashedOn() {
        CreationStatus odd = VpsOrgWireMapper.creationStatus("archiving");
        assertThat(odd.phase()).isEqualTo(Phase.UNKNOWN);
        assertThat(odd.label()).isEqualTo("archiving");
        assertThat(VpsOrgWireMapper.creationStatus(null)).isEqualTo(CreationStatus.UNKNOWN);
        assertThat(VpsOrgWireMapper.creationStatus("  ").phase()).isEqualTo(Phase.UNKNOWN);
        assertThat(VpsOrgWireMapper.creationStatus("x".repeat(500)).label()).hasSize(64);
    }

    @Test
    void serverStatusesReadKnownValuesAndKeepUnknownOnes() {
        assertThat(VpsOrgWireMapper.serverStatus("restoring")).isEqualTo(ServerStatus.RESTORING);
        assertThat(VpsOrgWireMapper.serverStatus("running")).isEqualTo(ServerStatus.RUNNING);
        assertThat(VpsOrgWireMapper.serverStatus("stopped")).isEqualTo(ServerStatus.STOPPED);
        assertThat(VpsOrgWireMapper.serverStatus("active")).isEqualTo(new ServerStatus(ServerStatus.Kind.RUNNING, "active"));
        assertThat(VpsOrgWireMapper.serverStatus("migrating")).isEqualTo(new ServerStatus(ServerStatus.Kind.UNKNOWN, "migrating"));
        assertThat(VpsOrgWireMapper.serverStatus(null)).isEqualTo(ServerStatus.UNKNOWN);
        assertThat(VpsOrgWireMapper.serverStatus("y".repeat(100)).label()).hasSize(64);
    }

    @Test
    void backupTypesReadTheDocumentedValuesAndKeepUnknownOnesVerbatim() {
        assertThat(VpsOrgWireMapper.backupType("manual")).isEqualTo(BackupType.MANUAL);
        assertThat(VpsOrgWireMapper.backupType("automatic")).isEqualTo(BackupType.AUTOMATIC);
        assertThat(VpsOrgWireMapper.backupType("AUTOMATIC")).isEqualTo(new BackupType(BackupType.Kind.AUTOMATIC, "AUTOMATIC"));
        assertThat(VpsOrgWireMapper.backupType("archive")).isEqualTo(new BackupType(BackupType.Kind.UNKNOWN, "archive"));
        assertThat(VpsOrgWireMapper.backupType(null)).isEqualTo(BackupType.UNKNOWN);
        assertThat(VpsOrgWireMapper.backupType("z".repeat(100)).label()).hasSize(64);
    }

    @Test
    void backupTypeFiltersUseTheDocumentedWordsAndNoneForAnUnknownType() {
        assertThat(VpsOrgWireMapper.backupTypeWord(BackupType.Kind.MANUAL)).hasValue("manual");
        assertThat(VpsOrgWireMapper.backupTypeWord(BackupType.Kind.AUTOMATIC)).hasValue("automatic");
        assertThat(VpsOrgWireMapper.backupTypeWord(BackupType.Kind.UNKNOWN)).isEmpty();
    }
}
