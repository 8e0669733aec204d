package org.vpsrecovery.domain.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

class PolicySpecTest {

    private static final PolicySchedule NIGHTLY = new PolicySchedule("0 3 * * *", ZoneId.of("UTC"));

    @Test
    void aTemplateRendersItsPlaceholdersAndRecognisesWhatItRendered() {
        NameTemplate template = new NameTemplate("nightly-{server_id}-{date}T{time}");
        String name = template.render(new ServerId(12345), ZonedDateTime.parse("2026-11-30T03:05:00+01:00[Europe/Berlin]"));

        assertThat(name).isEqualTo("nightly-12345-20261130T0305");
        assertThat(new SnapshotName(name).value()).isEqualTo(name);
        assertThat(template.matches(name)).isTrue();
        assertThat(template.matches("nightly-12345-2026113T0305")).isFalse();
        assertThat(template.matches("pre-migration-snapshot")).isFalse();
        assertThat(new NameTemplate("a.b-{date}").matches("aXb-20261130")).isFalse();
    }

    @Test
    void aSnapshotTemplateMustRenderAValidNameForTheLongestServerId() {
        assertThatThrownBy(() -> new PolicySpec(PolicyServers.everyOwned(), PolicyKind.SNAPSHOT, NIGHTLY,
                new NameTemplate("nightly {server_id}"), RetentionRules.keepAll()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshot name");
        // 45 + 19 digits is 64; one more is too long.
        String prefix = "p".repeat(SnapshotName.MAX_LENGTH - 19);
        new PolicySpec(PolicyServers.everyOwned(), PolicyKind.SNAPSHOT, NIGHTLY, new NameTemplate(prefix + "{server_id}"),
                RetentionRules.keepAll());
        assertThatThrownBy(() -> new PolicySpec(PolicyServers.everyOwned(), PolicyKind.SNAPSHOT, NIGHTLY,
                new NameTemplate(prefix + "x{server_id}"), RetentionRules.keepAll())).isInstanceOf(IllegalArgumentException.class);
        // A backup's template is a description: spaces are fine.
        new PolicySpec(PolicyServers.everyOwned(), PolicyKind.MANUAL_BACKUP, NIGHTLY,
                new NameTemplate("nightly backup of {server_id}"), RetentionRules.keepAll());
        assertThatThrownBy(() -> new NameTemplate("n-{host}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serversAreAListOrEveryOwnedNeverBothNorNone() {
        assertThatThrownBy(() -> new PolicyServers(true, List.of(new ServerId(1)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyServers.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyServers.of(List.of(new ServerId(1), new ServerId(1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDiffNamesOnlyTheChangedFieldsBeforeAndAfter() {
        PolicySpec before = new PolicySpec(PolicyServers.of(List.of(new ServerId(12345))), PolicyKind.SNAPSHOT, NIGHTLY,
                new NameTemplate("n-{date}"), RetentionRules.keepAll());
        PolicySpec after = new PolicySpec(PolicyServers.of(List.of(new ServerId(12345))), PolicyKind.SNAPSHOT, NIGHTLY,
                new NameTemplate("n-{date}"), new RetentionRules(3, Duration.ofDays(2), 0, 0, 0, 0, false));

        assertThat(after.changesFrom(before)).containsOnlyKeys("retention");
        assertThat(after.changesFrom(before).get("retention"))
                .isEqualTo("last=0 within=0 daily=0 weekly=0 monthly=0 yearly=0 person_made=false -> "
                        + "last=3 within=PT48H daily=0 weekly=0 monthly=0 yearly=0 person_made=false");
    }
}
