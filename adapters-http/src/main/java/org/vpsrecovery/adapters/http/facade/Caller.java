package org.vpsrecovery.adapters.http.facade;

import java.util.Objects;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Who presented the bearer token: a team (the recovery API and its own audit) or an auditor (audit
 * only), and the {@link Actor} behind it (a person by JWT, a service token, an auditor token), which
 * every audit event of the request records (ADR 0034).
 */
public sealed interface Caller {

    AuditReader asAuditReader();

    Actor actor();

    record Team(TeamId team, Actor actor) implements Caller {
        public Team {
            Objects.requireNonNull(team, "team");
            Objects.requireNonNull(actor, "actor");
        }

        @Override
        public AuditReader asAuditReader() {
            return new AuditReader.Team(team);
        }
    }

    record Auditor(AuditReader.Auditor auditor, Actor actor) implements Caller {
        public Auditor {
            Objects.requireNonNull(auditor, "auditor");
            Objects.requireNonNull(actor, "actor");
        }

        @Override
        public AuditReader asAuditReader() {
            return auditor;
        }
    }
}
