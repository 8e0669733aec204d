package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.drift.Drift;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.drift.DriftKind;
import org.vpsrecovery.domain.drift.ListedPoint;
import org.vpsrecovery.domain.drift.RecordedDrift;
import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.server.ServerId;

/** What every {@link DriftRecords} does, in memory or in PostgreSQL. */
public abstract class DriftRecordsContract {

    protected abstract DriftRecords emptyRecords();

    static final TeamId BLUE = new TeamId("blue");
    static final TeamId RED = new TeamId("red");
    static final ServerId WEB = new ServerId(12345);
    static final ServerId DB = new ServerId(23456);
    static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

    static Drift drift(TeamId team, ServerId server, long snapshot, DriftKind kind, Instant at) {
        return Drift.detected(team, server, new ResourceRef(ResourceRef.Type.SNAPSHOT, snapshot), kind, at, "seen " + snapshot);
    }

    @Test
    void aDriftIsRecordedOncePerPointAndKind() {
        DriftRecords records = emptyRecords();
        Drift made = drift(BLUE, WEB, 801, DriftKind.CREATED_OUTSIDE, AT);

        Optional<RecordedDrift> first = records.record(made);
        assertThat(first).hasValueSatisfying(r -> assertThat(r.drift()).isEqualTo(made));
        assertThat(records.record(drift(BLUE, WEB, 801, DriftKind.CREATED_OUTSIDE, AT.plusSeconds(60)))).isEmpty();
        assertThat(records.record(drift(BLUE, WEB, 801, DriftKind.STUCK_IN_PROGRESS, AT))).isPresent();
        assertThat(records.onServer(WEB)).extracting(r -> r.drift().kind())
                .containsExactly(DriftKind.CREATED_OUTSIDE, DriftKind.STUCK_IN_PROGRESS);
        assertThat(records.onServer(DB)).isEmpty();
    }

    /** A server the teams file moved to another team: its new owner's drifts are its own, the former owner's stay. */
    @Test
    void anotherTeamRecordsTheSamePointAndKindOnceOfItsOwn() {
        DriftRecords records = emptyRecords();
        RecordedDrift blues = records.record(drift(BLUE, WEB, 801, DriftKind.CREATED_OUTSIDE, AT)).orElseThrow();

        Optional<RecordedDrift> reds = records.record(drift(RED, WEB, 801, DriftKind.CREATED_OUTSIDE, AT.plusSeconds(60)));

        assertThat(reds).hasValueSatisfying(r -> {
            assertThat(r.id()).isNotEqualTo(blues.id());
            assertThat(r.drift().team()).isEqualTo(RED);
        });
        assertThat(records.record(drift(RED, WEB, 801, DriftKind.CREATED_OUTSIDE, AT.plusSeconds(120)))).isEmpty();
        assertThat(records.onServer(WEB)).extracting(r -> r.drift().team()).containsExactly(BLUE, RED);
    }

    @Test
    void aResolutionIsWrittenOnceOverAnOpenDrift() {
        DriftRecords records = emptyRecords();
        RecordedDrift open = records.record(drift(BLUE, WEB, 801, DriftKind.CREATED_OUTSIDE, AT)).orElseThrow();
        RecordedDrift resolved = new RecordedDrift(open.id(), open.drift().resolved(AT.plusSeconds(600), "gone"));

        assertThat(records.resolve(resolved)).isTrue();
        assertThat(records.resolve(new RecordedDrift(open.id(), open.drift().resolved(AT.plusSeconds(900), "again")))).isFalse();
        assertThat(records.onServer(WEB)).singleElement().satisfies(r -> {
            assertThat(r.drift().isOpen()).isFalse();
            assertThat(r.drift().resolution()).hasValue(new Drift.Resolution(AT.plusSeconds(600), "gone"));
        });
    }

    @Test
    void pagesAreNewestFirstFilteredAndKeyset() {
        DriftRecords records = emptyRecords();
        for (int i = 0; i < 5; i++) {
            records.record(drift(BLUE, WEB, 800 + i, DriftKind.CREATED_OUTSIDE, AT.plusSeconds(i * 60L)));
        }
        records.record(drift(BLUE, WEB, 900, DriftKind.DELETED_OUTSIDE, AT));
        records.record(drift(RED, DB, 950, DriftKind.CREATED_OUTSIDE, AT));

        DriftFilter blueCreated = new DriftFilter(Optional.of(BLUE), Optional.empty(), Optional.of(DriftKind.CREATED_OUTSIDE),
                Optional.of(AT.plusSeconds(60)));
        KeysetPage<RecordedDrift, Long> first = records.page(blueCreated, OptionalLong.empty(), 3);
        assertThat(first.items()).extracting(r -> r.drift().point().id()).containsExactly(804L, 803L, 802L);
        assertThat(first.next()).isPresent();
        KeysetPage<RecordedDrift, Long> second = records.page(blueCreated, OptionalLong.of(first.next().orElseThrow()), 3);
        assertThat(second.items()).extracting(r -> r.drift().point().id()).containsExactly(801L);
        assertThat(second.next()).isEmpty();

        assertThat(records.page(DriftFilter.everything().forTeam(Optional.of(RED)), OptionalLong.empty(), 10).items())
                .singleElement().satisfies(r -> assertThat(r.drift().server()).isEqualTo(DB));
        assertThat(records.page(new DriftFilter(Optional.empty(), Optional.of(WEB), Optional.empty(), Optional.empty()),
                OptionalLong.empty(), 10).items()).hasSize(6);
    }

    @Test
    void sightingsAreReplacedPerServer() {
        DriftRecords records = emptyRecords();
        ListedPoint.Sighting a = new ListedPoint.Sighting(new ResourceRef(ResourceRef.Type.BACKUP, 501), Optional.of(AT));
        ListedPoint.Sighting b = new ListedPoint.Sighting(new ResourceRef(ResourceRef.Type.BACKUP, 502), Optional.empty());
        assertThat(records.sightings(WEB)).isEmpty();

        ListedPoint.Sighting c = new ListedPoint.Sighting(new ResourceRef(ResourceRef.Type.BACKUP, 601), Optional.of(AT.plusSeconds(60)));
        records.replaceSightings(WEB, List.of(a, b));
        records.replaceSightings(DB, List.of(c));
        records.replaceSightings(WEB, List.of(a));

        assertThat(records.sightings(WEB)).containsExactly(a);
        assertThat(records.sightings(DB)).containsExactly(c);
        records.replaceSightings(DB, List.of());
        assertThat(records.sightings(DB)).isEmpty();
    }
}
