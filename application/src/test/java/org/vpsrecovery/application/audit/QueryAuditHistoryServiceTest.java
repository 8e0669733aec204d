package org.vpsrecovery.application.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;
import static org.vpsrecovery.application.PlatformFixture.GREEN_SERVER;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.backup.CreateManualBackupCommand;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

class QueryAuditHistoryServiceTest {

    private final PlatformFixture platform = new PlatformFixture();

    @Test
    void aTeamReadsOnlyItsOwnEventsWhateverTeamItAsksFor() {
        platform.createManualBackup().createManualBackup(
                new CreateManualBackupCommand(platform.as(BLUE), WEB, Optional.empty()));
        platform.createManualBackup().createManualBackup(
                new CreateManualBackupCommand(platform.as(GREEN), GREEN_SERVER, Optional.empty()));

        var events = platform.queryAuditHistory().queryAuditHistory(
                new QueryAuditHistoryQuery(platform.as(BLUE), AuditQuery.latest(100).forTeam(GREEN)));

        assertThat(events).hasSize(2).extracting(RecordedAuditEvent::event).allMatch(e -> e.team().equals(BLUE));
    }
}
