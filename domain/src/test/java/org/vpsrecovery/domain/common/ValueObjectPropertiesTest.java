package org.vpsrecovery.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

class ValueObjectPropertiesTest {

    private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

    @Property
    void idsAcceptEveryPositiveNumber(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long value) {
        assertThat(new ServerId(value).value()).isEqualTo(value);
        assertThat(new SnapshotId(value).value()).isEqualTo(value);
        assertThat(new BackupId(value).value()).isEqualTo(value);
    }

    @Property
    void idsRefuseZeroAndNegatives(@ForAll @LongRange(min = Long.MIN_VALUE, max = 0) long value) {
        assertThatThrownBy(() -> new ServerId(value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotId(value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackupId(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<String> validNames() {
        return Arbitraries.strings().withChars(NAME_CHARS).ofMinLength(1).ofMaxLength(SnapshotName.MAX_LENGTH);
    }

    @Property
    void snapshotNamesOfLettersDigitsHyphensAndUnderscoresAreAccepted(@ForAll("validNames") String name) {
        assertThat(new SnapshotName(name).value()).isEqualTo(name);
    }

    @Property
    void aSnapshotNameWithAnyOtherCharacterIsRefused(@ForAll("validNames") String name,
                                                     @ForAll char other) {
        net.jqwik.api.Assume.that(NAME_CHARS.indexOf(other) < 0);
        String spoiled = name.substring(0, name.length() / 2) + other + name.substring(name.length() / 2);
        assertThatThrownBy(() -> new SnapshotName(spoiled)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void snapshotNamesLongerThanTheBoundAreRefused(@ForAll @StringLength(min = SnapshotName.MAX_LENGTH + 1, max = 300)
                                                   String anything) {
        String longName = "a".repeat(anything.length());
        assertThatThrownBy(() -> new SnapshotName(longName)).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void emptyAndNullSnapshotNamesAreRefused() {
        assertThatThrownBy(() -> new SnapshotName("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotName(null)).isInstanceOf(NullPointerException.class);
        assertThat(new SnapshotName("a".repeat(SnapshotName.MAX_LENGTH)).value()).hasSize(SnapshotName.MAX_LENGTH);
    }

    @Provide
    Arbitrary<String> printableText() {
        return Arbitraries.strings().alpha().numeric().withChars(" .,;:'\"!?()[]{}=+-*/\\@#$%&<>|~`^é漢字")
                .ofMaxLength(Description.MAX_LENGTH);
    }

    @Property
    void descriptionsOfPrintableTextWithinTheBoundAreAccepted(@ForAll("printableText") String text) {
        net.jqwik.api.Assume.that(text.codePointCount(0, text.length()) <= Description.MAX_LENGTH);
        assertThat(new Description(text).value()).isEqualTo(text);
    }

    @Property
    void aDescriptionWithAControlCharacterIsRefused(@ForAll("printableText") String text,
                                                   @ForAll @net.jqwik.api.constraints.CharRange(from = '\u0000', to = '\u001f') char control) {
        String spoiled = (text.length() > 10 ? text.substring(0, 10) : text) + control;
        assertThatThrownBy(() -> new Description(spoiled)).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void descriptionsRefuseDeleteLineSeparatorsAndOverlongText() {
        assertThatThrownBy(() -> new Description("a\u007fb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Description("a\u2028b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Description("rtl\u202eoverride")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Description("x".repeat(Description.MAX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Description("🙂".repeat(Description.MAX_LENGTH)).value()).isNotEmpty();
    }

    /**
     * The rule does not move with the JDK's Unicode tables: U+0378 is unassigned in every Unicode version, U+1FAE9 is
     * unassigned before Unicode 16 (JDK 21) and a symbol from it (JDK 25); a value one JDK stored another reads back.
     */
    @Example
    void descriptionsAcceptCodePointsAJdkCallsUnassigned() {
        assertThat(new Description("a\u0378b").value()).isEqualTo("a\u0378b");
        assertThat(new Description("fingerprint " + Character.toString(0x1FAE9)).value()).endsWith(Character.toString(0x1FAE9));
        assertThat(new Description("\ud83d\udc69\u200d\ud83d\udcbb").value()).hasSize(5); // a ZWJ emoji sequence
    }

    /**
     * Expand, then contract (ADR 0003, amended in session 42): what a caller gives anew keeps the earlier release's
     * refusal of code points the JDK calls unassigned, which that release applied to every read, so an instance of it
     * beside this one in a roll-out (or after a rollback) reads back every row this one writes.
     */
    @Example
    void aNewHoldReasonOrNameTemplateRefusesWhatAnEarlierReleaseCouldNotReadButAStoredOneReadsBack() {
        assertThatThrownBy(() -> HoldReason.given("keep a\u0378b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unassigned");
        assertThatThrownBy(() -> NameTemplate.given("nightly \u0378 {server_id}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("name_template");
        assertThat(new HoldReason("keep a\u0378b").value()).isEqualTo("keep a\u0378b");
        assertThat(new NameTemplate("nightly \u0378 {server_id}").value()).contains("\u0378");
        assertThat(HoldReason.given("keep \ud83d\udc69\u200d\ud83d\udcbb").value()).endsWith("\ud83d\udcbb");
    }

    @Example
    void descriptionsRefuseUnpairedSurrogatesAndFormatCharacters() {
        assertThatThrownBy(() -> new Description("a\ud800")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Description("\udc00b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Description("bom\ufeff")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Description("tag" + Character.toString(0xE0041))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Description("a\u2029b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Description("a\u0085b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void teamIdsAreLowerCaseSlugs(@ForAll("validNames") String name) {
        String lower = name.toLowerCase().replace('_', 'x');
        String slug = lower.substring(0, Math.min(63, lower.length())).replaceAll("^-+|-+$", "");
        net.jqwik.api.Assume.that(!slug.isEmpty());
        assertThat(new TeamId(slug).value()).isEqualTo(slug);
        assertThatThrownBy(() -> new TeamId(slug + "_")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TeamId("-" + slug)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void auditorNamesFollowTheTeamIdsRule(@ForAll String name) {
        boolean team = accepts(() -> new TeamId(name));
        assertThat(accepts(() -> new AuditorName(name))).isEqualTo(team);
    }

    /** Any subject gives a valid, marked name, and two subjects two names (ADR 0034, amended in session 36). */
    @Property
    void aPersonsAuditorNameIsMarkedAndItsSubjectsOwn(@ForAll @StringLength(min = 1, max = 200) String subject,
                                                     @ForAll @StringLength(min = 1, max = 200) String other) {
        AuditorName name = AuditorName.ofPerson(subject);

        assertThat(name.isPersons()).isTrue();
        assertThat(AuditorName.ofPerson(subject)).isEqualTo(name);
        net.jqwik.api.Assume.that(!subject.equals(other));
        assertThat(AuditorName.ofPerson(other)).isNotEqualTo(name);
    }

    @Example
    void aPersonsAuditorNameFoldsNothingAway() {
        assertThat(AuditorName.ofPerson("alice").value()).isEqualTo("alice--jwt");
        assertThat(AuditorName.ofPerson("Carol.Smith").value()).isEqualTo("carol-smith--jwt-21649a19128811f4"); // README's
        assertThat(AuditorName.ofPerson("Alice")).isNotEqualTo(AuditorName.ofPerson("alice"))
                .isNotEqualTo(AuditorName.ofPerson("ALICE"));
        assertThat(AuditorName.ofPerson("alice--jwt")).isNotEqualTo(AuditorName.ofPerson("alice"));
        assertThat(AuditorName.ofPerson("x".repeat(58)).value()).isEqualTo("x".repeat(58) + "--jwt");
        assertThat(AuditorName.ofPerson("x".repeat(59))).isNotEqualTo(AuditorName.ofPerson("x".repeat(60)));
        assertThat(AuditorName.ofPerson("Łódź").value()).matches("d--jwt-[0-9a-f]{16}");
        assertThat(AuditorName.ofPerson("ÉÈ").value()).matches("person--jwt-[0-9a-f]{16}");
        assertThat(AuditorName.configured("compliance").isPersons()).isFalse();
        assertThatThrownBy(() -> AuditorName.configured("alice--jwt")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kept for people signed in with a JWT");
    }

    private static boolean accepts(Runnable construct) {
        try {
            construct.run();
            return true;
        } catch (IllegalArgumentException refused) {
            return false;
        }
    }

    @Example
    void teamIdsRefuseUpperCaseSpacesAndLength() {
        assertThatThrownBy(() -> new TeamId("Blue")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TeamId("blue team")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TeamId("b".repeat(64))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new TeamId("b".repeat(63)).value()).hasSize(63);
    }

    @Property
    void requestIdsRefuseWhitespaceAndControlCharacters(@ForAll("validNames") String id,
                                                       @ForAll @net.jqwik.api.constraints.CharRange(from = '\u0000', to = ' ') char bad) {
        assertThat(new RequestId(id).value()).isEqualTo(id);
        assertThatThrownBy(() -> new RequestId(id + bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void requestIdsAreBoundedAndRandomOnesAreValid() {
        assertThatThrownBy(() -> new RequestId("r".repeat(RequestId.MAX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RequestId.random().value()).hasSize(36);
    }

    /** The character check (ADR 0100) accepts exactly what the regular expression it replaced did. */
    @Property
    void requestIdsAcceptExactlyWhatTheFormerPatternDid(@ForAll @StringLength(min = 0, max = 130) String id) {
        boolean former = java.util.regex.Pattern.matches("[A-Za-z0-9._:/+=@-]{1,128}", id);
        if (former) {
            assertThat(new RequestId(id).value()).isEqualTo(id);
        } else {
            assertThatThrownBy(() -> new RequestId(id)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Example
    void requestIdsAcceptEachCharacterTheFormerPatternDidAndNoOther() {
        for (char c = 0; c < 0x3000; c++) {
            String id = "a" + c;
            boolean former = java.util.regex.Pattern.matches("[A-Za-z0-9._:/+=@-]{1,128}", id);
            if (former) {
                assertThat(new RequestId(id).value()).isEqualTo(id);
            } else {
                assertThatThrownBy(() -> new RequestId(id)).as("U+%04X", (int) c).isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(new RequestId("r".repeat(RequestId.MAX_LENGTH)).value()).hasSize(RequestId.MAX_LENGTH);
        assertThatThrownBy(() -> new RequestId("")).isInstanceOf(IllegalArgumentException.class);
    }
}
