package org.vpsrecovery.application.audit;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.AuditorName;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Who reads the audit reports: a team (its own events, servers and summaries only) or an auditor
 * (everything). Neither writes: no use case here appends to the history.
 */
public sealed interface AuditReader {

    /** The only team this reader may see, or empty for all teams. */
    Optional<TeamId> onlyTeam();

    record Team(TeamId team) implements AuditReader {
        public Team {
            Objects.requireNonNull(team, "team");
        }

        @Override
        public Optional<TeamId> onlyTeam() {
            return Optional.of(team);
        }
    }

    record Auditor(AuditorName name) implements AuditReader {
        public Auditor {
            Objects.requireNonNull(name, "auditor name");
        }

        public Auditor(String name) {
            this(new AuditorName(name));
        }

        @Override
        public Optional<TeamId> onlyTeam() {
            return Optional.empty();
        }
    }

    /**
     * The team a report covers: what was asked, within what this reader may see. A team that names
     * another team is refused rather than silently given its own data.
     */
    default Optional<TeamId> scope(Optional<TeamId> asked) {
        Optional<TeamId> only = onlyTeam();
        if (only.isEmpty()) {
            return asked;
        }
        if (asked.isPresent() && !asked.equals(only)) {
            throw new AccessDenied("a team token reads only its own team's audit history");
        }
        return only;
    }
}
