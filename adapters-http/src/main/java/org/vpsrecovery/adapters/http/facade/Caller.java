package org.vpsrecovery.adapters.http.facade;

import java.util.Objects;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.common.TeamId;

/** Who presented the bearer token: a team (the recovery API and its own audit) or an auditor (audit only). */
sealed interface Caller {

    AuditReader asAuditReader();

    record Team(TeamId team) implements Caller {
        public Team {
            Objects.requireNonNull(team, "team");
        }

        @Override
        public AuditReader asAuditReader() {
            return new AuditReader.Team(team);
        }
    }

    record Auditor(AuditReader.Auditor auditor) implements Caller {
        public Auditor {
            Objects.requireNonNull(auditor, "auditor");
        }

        @Override
        public AuditReader asAuditReader() {
            return auditor;
        }
    }
}
