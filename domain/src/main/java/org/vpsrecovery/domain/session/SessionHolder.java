package org.vpsrecovery.domain.session;

import java.util.Objects;
import org.vpsrecovery.domain.common.TeamId;

/** Whom a console session acts for: a team (its own servers and audit) or an auditor (every team's audit). */
public sealed interface SessionHolder {

    record Team(TeamId team) implements SessionHolder {
        public Team {
            Objects.requireNonNull(team, "team");
        }
    }

    record Auditor(String name) implements SessionHolder {
        public Auditor {
            Objects.requireNonNull(name, "auditor name");
        }
    }
}
