package org.vpsrecovery.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The standalone simulator's command line: profiles, durations as ranges, the failure rate and its seed. */
class SimulatorMainTest {

    @Test
    void withoutOptionsItRunsTheFastProfileOnPort8090() {
        SimulatorOptions options = SimulatorMain.options();

        assertThat(options.port()).isEqualTo(8090);
        assertThat(options.lifecycle()).isEqualTo(LifecycleProfile.FAST.lifecycle());
        assertThat(options.randomSeed()).isEqualTo(42L);
    }

    @Test
    void aProfileIsAppliedFirstAndTheGivenDurationsAndRateChangeIt() {
        SimulatorOptions options = SimulatorMain.options("--snapshot-seconds", "30-60", "--failure-rate", "0.1",
                "--profile", "Realistic", "--random-seed", "7");

        assertThat(options.lifecycle()).isEqualTo(LifecycleProfile.REALISTIC.lifecycle()
                .withSnapshotCreation(DurationRange.ofSeconds(30, 60)).withFailureRate(0.1));
        assertThat(options.randomSeed()).isEqualTo(7L);
    }

    /** Session 50: the undocumented answers are off unless asked for, and an unknown restore answer is refused. */
    @Test
    void undocumentedAnswersAreSwitchedOnByTheirOptions() {
        assertThat(SimulatorMain.options().undocumented()).isEqualTo(UndocumentedAnswers.none());
        assertThat(SimulatorMain.options("--restore-answer", "Accepted", "--refuse-while-restoring").undocumented())
                .isEqualTo(new UndocumentedAnswers(UndocumentedAnswers.RestoreAnswer.ACCEPTED, true));
        assertThatThrownBy(() -> SimulatorMain.options("--restore-answer", "maybe"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("documented or accepted");
    }

    @Test
    void completionSecondsSetSnapshotsAndBackupsAlike() {
        Lifecycle lifecycle = SimulatorMain.options("--completion-seconds", "20", "--restore-seconds", "40-50").lifecycle();

        assertThat(lifecycle.snapshotCreation()).isEqualTo(DurationRange.exactly(Duration.ofSeconds(20)));
        assertThat(lifecycle.backupCreation()).isEqualTo(lifecycle.snapshotCreation());
        assertThat(lifecycle.restore()).isEqualTo(DurationRange.ofSeconds(40, 50));
        assertThat(lifecycle.backupRestore()).as("restore seconds set both kinds").isEqualTo(lifecycle.restore());
    }

    @Test
    void backupRestoreSecondsSetOnlyTheRestoresFromABackup() {
        Lifecycle lifecycle = SimulatorMain.options("--backup-restore-seconds", "1200-2400", "--restore-seconds", "40-50")
                .lifecycle();

        assertThat(lifecycle.restore()).isEqualTo(DurationRange.ofSeconds(40, 50));
        assertThat(lifecycle.backupRestore()).isEqualTo(DurationRange.ofSeconds(1200, 2400));
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> SimulatorMain.options("--profile", "slow")).hasMessageContaining("fast, demo, realistic");
        assertThatThrownBy(() -> SimulatorMain.options("--failure-rate", "1.5")).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> SimulatorMain.options("--backup-seconds", "60-30")).hasMessageContaining("above its maximum");
        assertThatThrownBy(() -> SimulatorMain.options("--restore-seconds", "-5")).hasMessageContaining("negative");
        assertThatThrownBy(() -> SimulatorMain.options("--snapshot-seconds", "soon")).hasMessageContaining("180-600");
        assertThatThrownBy(() -> SimulatorMain.options("--profile")).hasMessageContaining("needs a value");
    }

    @Test
    void secondsAreReadAsOneValueOrARangeAndWrittenBackAlike() {
        assertThat(DurationRange.parseSeconds(" 180 - 600 ")).isEqualTo(DurationRange.ofSeconds(180, 600));
        assertThat(DurationRange.parseSeconds("20").toSecondsText()).isEqualTo("20");
        assertThat(DurationRange.ofSeconds(180, 600).toSecondsText()).isEqualTo("180-600");
    }
}
