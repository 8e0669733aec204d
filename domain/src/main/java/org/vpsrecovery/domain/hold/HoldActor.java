package org.vpsrecovery.domain.hold;

import java.util.Objects;
import org.vpsrecovery.domain.common.AuditorName;
import org.vpsrecovery.domain.common.TeamId;

/** Who places or releases a hold: the owning team, or an auditor (by the name the operator gave it). */
public sealed interface HoldActor {

    /** The kind of hold this actor places: a team its own, an auditor a legal one. */
    HoldKind places();

    /** Stored and audited as {@code team:<id>} or {@code auditor:<name>}. */
    String wireName();

    static HoldActor parse(String wire) {
        Objects.requireNonNull(wire, "actor");
        if (wire.startsWith("team:")) {
            return new Team(new TeamId(wire.substring("team:".length())));
        }
        if (wire.startsWith("auditor:")) {
            return new Auditor(wire.substring("auditor:".length()));
        }
        throw new IllegalArgumentException("not a hold actor: " + wire);
    }

    record Team(TeamId team) implements HoldActor {
        public Team {
            Objects.requireNonNull(team, "team");
        }

        @Override
        public HoldKind places() {
            return HoldKind.TEAM;
        }

        @Override
        public String wireName() {
            return "team:" + team.value();
        }
    }

    record Auditor(AuditorName name) implements HoldActor {
        public Auditor {
            Objects.requireNonNull(name, "auditor name");
        }

        public Auditor(String name) {
            this(new AuditorName(name));
        }

        @Override
        public HoldKind places() {
            return HoldKind.LEGAL;
        }

        @Override
        public String wireName() {
            return "auditor:" + name.value();
        }
    }
}
