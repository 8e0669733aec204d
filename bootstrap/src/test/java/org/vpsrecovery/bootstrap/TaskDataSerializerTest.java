package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.kagkarlsson.scheduler.exceptions.SerializationException;
import com.github.kagkarlsson.scheduler.serializer.JavaSerializer;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import com.tngtech.archunit.core.domain.JavaClass;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.application.drift.ScanDriftService;
import org.vpsrecovery.application.policy.RunPoliciesService;
import org.vpsrecovery.bootstrap.PolicyRunJobs.PutOffRuns;
import org.vpsrecovery.bootstrap.PolicyRunJobs.Settings;
import org.vpsrecovery.bootstrap.architecture.PlatformClasses;

/**
 * Task data another release wrote, of a class this one does not have, on db-scheduler and PostgreSQL as the service
 * builds them (ADR 0024, amended in session 48): the job's round starts fresh and its data becomes its own, where the
 * default serializer failed the run, kept the data and failed again at every interval. And (session 54) data is read
 * through an allow-list: a class outside it is never made, the jobs' own data still reads.
 */
class TaskDataSerializerTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Instant NOW = Instant.parse("2026-12-06T23:40:00Z");

    @BeforeEach
    void noTaskScheduledYet() throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement clear = connection.prepareStatement("DELETE FROM scheduled_tasks")) {
            clear.executeUpdate();
        }
    }

    /** What a drift round was asked: the server to start after and how many servers to take. */
    private record Asked(Optional<Long> after, int servers) {
    }

    @Test
    void aDriftScanWhoseRoundUnderWayIsOfAClassThisReleaseLacksScansAFreshRoundAndKeepsItsOwnCursor() throws Exception {
        Duration every = Duration.ofMinutes(10);
        List<Asked> asked = new CopyOnWriteArrayList<>();
        DriftScanJobs jobs = new DriftScanJobs((after, servers, pacing, budget) -> {
            asked.add(new Asked(after, servers));
            return new ScanDriftService.Round(100, 0, 0, 0, Optional.of(4200L), 0);
        }, every, 100, Duration.ZERO, Duration.ofMinutes(1),
                org.vpsrecovery.adapters.http.provider.VpsOrgSettings.DEFAULT_MAX_HOLD);
        RecurringTask<Serializable> task = jobs.task();
        // A later release's round under way: this release's record under a name it has no class for.
        byte[] later = ofAClassThisReleaseLacks(new DriftScanJobs.RoundUnderWay(7, 5), "RoundUnderWay", "RoundFromNext");
        ManualScheduler scheduler = scheduler(task);
        try {
            scheduler.schedule(task.instance(RecurringTask.INSTANCE, -1L), NOW);
            storeData(DriftScanJobs.DRIFT_SCAN, later);

            scheduler.runAnyDueExecutions();
            scheduler.setTime(NOW.plus(every));
            scheduler.runAnyDueExecutions();

            assertThat(asked).containsExactly(new Asked(Optional.empty(), 100), new Asked(Optional.of(4200L), 100));
            assertThat(row(DriftScanJobs.DRIFT_SCAN)).isEqualTo(new Row(0, 4200L));
        } finally {
            scheduler.stop();
        }
    }

    /** What a policy tick was asked: its window and the pair it goes on after. */
    private record Window(Instant from, Instant to, Optional<RunPoliciesService.PairReached> after) {
    }

    @Test
    void aPolicyTickWhoseWindowUnderWayIsOfAClassThisReleaseLacksTicksTheLastIntervalAndKeepsItsEnd() throws Exception {
        Duration every = Duration.ofSeconds(30);
        SettableClock time = new SettableClock();
        time.set(NOW);
        List<Window> asked = new CopyOnWriteArrayList<>();
        PolicyRunJobs jobs = new PolicyRunJobs((from, to, after, budget) -> {
            asked.add(new Window(from, to, after));
            return new RunPoliciesService.Ticked(List.of(), Optional.empty());
        }, of -> Optional.empty(), PutOffRuns.NONE, new SuppliedClock(time::now), DATABASE.dataSource(),
                Settings.DEFAULTS.withEvery(every));
        RecurringTask<Serializable> task = jobs.task();
        byte[] later = ofAClassThisReleaseLacks(new PolicyRunJobs.WindowUnderWay(NOW.minusSeconds(90),
                NOW.minusSeconds(60), "blue", NOW.minus(Duration.ofDays(1)), UUID.randomUUID(), 12345),
                "WindowUnderWay", "WindowFromNext");
        ManualScheduler scheduler = scheduler(task, jobs.retryTask());
        try {
            scheduler.schedule(task.instance(RecurringTask.INSTANCE, -1L), NOW);
            storeData(PolicyRunJobs.POLICY_RUNS, later);

            scheduler.runAnyDueExecutions();

            // A fresh round looks back one interval, as a first tick does; a cron time it shares with the unread window
            // is not run twice (RunPoliciesService.tried, ADR 0028 amended in session 35).
            assertThat(asked).containsExactly(new Window(NOW.minus(every), NOW, Optional.empty()));
            assertThat(row(PolicyRunJobs.POLICY_RUNS)).isEqualTo(new Row(0, NOW.toEpochMilli()));
        } finally {
            scheduler.stop();
        }
    }

    @Test
    void aStoredRoundUnderWayStillReadsThroughTheAllowList() throws Exception {
        Duration every = Duration.ofMinutes(10);
        List<Asked> asked = new CopyOnWriteArrayList<>();
        DriftScanJobs jobs = new DriftScanJobs((after, servers, pacing, budget) -> {
            asked.add(new Asked(after, servers));
            return new ScanDriftService.Round(5, 0, 0, 0, Optional.of(4200L), 0);
        }, every, 100, Duration.ZERO, Duration.ofMinutes(1),
                org.vpsrecovery.adapters.http.provider.VpsOrgSettings.DEFAULT_MAX_HOLD);
        RecurringTask<Serializable> task = jobs.task();
        ManualScheduler scheduler = scheduler(task);
        try {
            scheduler.schedule(task.instance(RecurringTask.INSTANCE, -1L), NOW);
            storeData(DriftScanJobs.DRIFT_SCAN, serialized(new DriftScanJobs.RoundUnderWay(7, 5)));

            scheduler.runAnyDueExecutions();

            assertThat(asked).containsExactly(new Asked(Optional.of(7L), 5));
            assertThat(row(DriftScanJobs.DRIFT_SCAN)).isEqualTo(new Row(0, 4200L));
        } finally {
            scheduler.stop();
        }
    }

    @Test
    void everyKindOfDataTheJobsStoreReadsBack() throws IOException {
        UUID one = UUID.randomUUID();
        List<Serializable> stored = List.of(42L, 3, new DriftScanJobs.RoundUnderWay(-1, 5),
                new PolicyRunJobs.WindowUnderWay(NOW.minusSeconds(90), NOW, "blue", NOW.minus(Duration.ofDays(1)),
                        one, 12345),
                new ClusterJobs.OperationsUnderWay(List.of(one)),
                new ClusterJobs.OperationsUnderWay(List.of(one, UUID.randomUUID(), UUID.randomUUID())),
                new ClusterJobs.IntentsUnderWay(17, 3),
                new BudgetedRecurringTask.HeldOff(99L, Duration.ofSeconds(30)));
        for (Serializable data : stored) {
            assertThat(new TaskDataSerializer().deserialize(Serializable.class, serialized(data))).isEqualTo(data);
        }
        assertThat(new TaskDataSerializer().deserialize(Serializable.class, null)).isNull();
    }

    @Test
    void aClassOutsideTheAllowListIsNotMadeAndIsReadAsNone() throws IOException {
        Gadget.made.set(0);
        byte[] alone = serialized(new Gadget());
        byte[] inside = serialized(new BudgetedRecurringTask.HeldOff(new Gadget(), Duration.ofSeconds(1)));

        assertThat(new TaskDataSerializer().deserialize(Serializable.class, alone)).isNull();
        assertThat(new TaskDataSerializer().deserialize(Serializable.class, inside)).isNull();
        // Its readObject never ran: refused by its class, before an instance was made.
        assertThat(Gadget.made).hasValue(0);
    }

    /**
     * Every serializable record of the platform's code is one of {@link TaskData}'s, the list the allow-list is built
     * from: a record a job stores that is not listed there fails here, before its rows are read as none (session 55).
     */
    @Test
    void everySerializableRecordOfThePlatformIsListedAsTaskData() {
        // The import HexagonArchitectureTest checks its rules on, made once for the test JVM (session 56).
        List<String> serializable = PlatformClasses.production().stream()
                .filter(c -> c.isRecord() && c.isAssignableTo(Serializable.class))
                .map(JavaClass::getName).sorted().toList();

        assertThat(serializable).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(TaskData.class.getPermittedSubclasses()).map(Class::getName).toList());
    }

    /**
     * What each job may store, populated as this release writes it (lists of the most ids a tracking round holds,
     * instants, durations, each record nested in a {@code HeldOff}), reads back equal through the service's serializer:
     * a record or a field's type left out of {@code TASK_DATA} fails here, so the build fails. A fact of the build, so
     * checked here and not at each start (ADR 0024, amended in sessions 55 and 56).
     */
    @Test
    void everyTaskDataPopulatedAsWrittenReadsBackEqual() {
        List<Object> written = PopulatedTaskData.writtenBy(Serializable.class);

        assertThat(written).extracting(Object::getClass).contains(Long.class, DriftScanJobs.RoundUnderWay.class,
                PolicyRunJobs.WindowUnderWay.class, ClusterJobs.OperationsUnderWay.class,
                ClusterJobs.IntentsUnderWay.class, BudgetedRecurringTask.HeldOff.class);
        assertThat(written).filteredOn(ClusterJobs.OperationsUnderWay.class::isInstance)
                .singleElement().extracting(data -> ((ClusterJobs.OperationsUnderWay) data).left().size())
                .isEqualTo(org.vpsrecovery.domain.port.RecoveryOperations.MAX_PAGE);
        assertThat(written).filteredOn(BudgetedRecurringTask.HeldOff.class::isInstance)
                .extracting(held -> (Object) ((BudgetedRecurringTask.HeldOff) held).data().getClass())
                .contains(Long.class, DriftScanJobs.RoundUnderWay.class,
                        PolicyRunJobs.WindowUnderWay.class, ClusterJobs.OperationsUnderWay.class,
                        ClusterJobs.IntentsUnderWay.class);
        List<Object> all = new java.util.ArrayList<>(written);
        // A webhook delivery's error count.
        all.addAll(PopulatedTaskData.writtenBy(Integer.class));
        assertEachReadsBackEqual(all);
    }

    /**
     * The mistake the start refused before session 56 fails the build's check instead: a job's data of a record the
     * allow-list does not list, populated as written and read back, fails it naming the class (a listed record holding
     * a type outside the list: {@link #aFieldOfATypeOutsideTheListIsNamedAndNotRead}).
     */
    @Test
    void dataThatWouldNotReadBackFailsTheBuildsCheckNamingTheClass() {
        assertThatThrownBy(() -> assertEachReadsBackEqual(PopulatedTaskData.writtenBy(Unlisted.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining(Unlisted.class.getName())
                .hasMessageContaining("refused " + Unlisted.class.getName());
    }

    /** Each of {@code written} reads back equal through the service's serializer; else the class and what went wrong. */
    private static void assertEachReadsBackEqual(List<Object> written) {
        for (Object data : written) {
            assertThat(PopulatedTaskData.readBack(data)).as("%s", data.getClass().getName()).isEmpty();
        }
    }

    /** A value of a type outside the list inside a listed record (an enum, a HashSet in a {@code HeldOff}) is named. */
    @Test
    void aFieldOfATypeOutsideTheListIsNamedAndNotRead() {
        BudgetedRecurringTask.HeldOff holdingAnEnum = new BudgetedRecurringTask.HeldOff(Kind.LATER, Duration.ofSeconds(1));

        assertThat(PopulatedTaskData.readBack(holdingAnEnum)).hasValueSatisfying(problem ->
                assertThat(problem).contains("refused " + Kind.class.getName()));
        assertThat(PopulatedTaskData.readBack(new BudgetedRecurringTask.HeldOff(new java.util.HashSet<>(List.of(1L)),
                Duration.ofSeconds(1)))).hasValueSatisfying(problem -> assertThat(problem).contains("java.util.HashSet"));
    }

    /** Each read as none is counted by job, from 0, beyond the one WARN, which names the class refused. */
    @Test
    void dataReadAsNoneIsCountedByJobAndItsWarnNamesTheClassRefused() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TaskDataSerializer serializer = new TaskDataSerializer(registry, List.of(DriftScanJobs.DRIFT_SCAN));
        assertThat(registry.get(TaskDataSerializer.UNREAD).tag("job", DriftScanJobs.DRIFT_SCAN).counter().count())
                .isZero();
        assertThat(registry.get(TaskDataSerializer.UNREAD).tag("job", TaskDataSerializer.OTHER_JOB).counter().count())
                .as("a read for no named job, from 0 too, so the alert on its increase sees the first").isZero();
        byte[] refused = serialized(new BudgetedRecurringTask.HeldOff(Kind.LATER, Duration.ofSeconds(1)));

        List<String> warnings = LoggedWarnings.of(TaskDataSerializer.class, () -> {
            for (int run = 0; run < 3; run++) {
                assertThat(TaskDataSerializer.readFor(DriftScanJobs.DRIFT_SCAN,
                        () -> serializer.deserialize(Serializable.class, refused))).isNull();
            }
        });

        assertThat(registry.get(TaskDataSerializer.UNREAD).tag("job", DriftScanJobs.DRIFT_SCAN).counter().count())
                .isEqualTo(3);
        assertThat(warnings).singleElement().asString().startsWith(DriftScanJobs.DRIFT_SCAN + ": ")
                .contains("refused " + Kind.class.getName()).contains("vpsr_jobs_task_data_unread_total");
    }

    /** A record no job lists, as a later release's or a release mistake's would be. */
    private record Unlisted(List<UUID> ids) implements Serializable {
    }

    /** A type outside the allow-list. */
    private enum Kind {
        LATER
    }

    /** An array longer than any list a job stores is refused before it is made (a length in the bytes sizes it). */
    @Test
    void anArrayLongerThanAnyStoredListIsReadAsNone() throws IOException {
        assertThat(new TaskDataSerializer().deserialize(Serializable.class, serialized(new Object[100_000]))).isNotNull();

        assertThat(new TaskDataSerializer().deserialize(Serializable.class, serialized(new Object[100_001]))).isNull();
    }

    /** A class no job stores, whose reading runs code of its own (what a deserialization gadget does). */
    private static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        static final java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();

        private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            made.incrementAndGet();
        }
    }

    @Test
    void dataOfAClassChangedIncompatiblyIsReadAsNone() throws IOException {
        byte[] counted = serialized(new Counted(3));
        // The stream's serialVersionUID follows the class's name: another one is a class changed since it was written.
        byte[] name = Counted.class.getName().getBytes(StandardCharsets.UTF_8);
        int uid = indexOf(counted, name) + name.length;
        counted[uid + 7] ^= 1;

        assertThatThrownBy(() -> new JavaSerializer().deserialize(Serializable.class, counted))
                .isInstanceOf(SerializationException.class).hasCauseInstanceOf(java.io.InvalidClassException.class);
        assertThat(new TaskDataSerializer().deserialize(Serializable.class, counted)).isNull();
    }

    @Test
    void dataThatIsNotWholeStillFailsTheRun() throws IOException {
        byte[] whole = serialized(Long.valueOf(42));
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);

        assertThatThrownBy(() -> new TaskDataSerializer().deserialize(Serializable.class, cut))
                .isInstanceOf(SerializationException.class);
        assertThat(new TaskDataSerializer().deserialize(Serializable.class, whole)).isEqualTo(42L);
    }

    /** A class whose stream carries its serialVersionUID (records' streams are read whatever theirs). */
    private static final class Counted implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int count;

        Counted(int count) {
            this.count = count;
        }
    }

    private static ManualScheduler scheduler(com.github.kagkarlsson.scheduler.task.Task<?>... tasks) {
        SettableClock time = new SettableClock();
        time.set(NOW);
        TestHelper.ManualSchedulerBuilder builder = TestHelper.createManualScheduler(DATABASE.dataSource(), tasks);
        // As ClusterJobs builds the service's scheduler.
        builder.serializer(new TaskDataSerializer());
        return builder.clock(time).start();
    }

    /** {@code data} serialized, its class renamed (same length) to one this class path does not have. */
    private static byte[] ofAClassThisReleaseLacks(Serializable data, String simpleName, String unknownName)
            throws IOException {
        assertThat(unknownName).hasSameSizeAs(simpleName);
        byte[] bytes = serialized(data);
        byte[] known = ("$" + simpleName).getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, known);
        System.arraycopy(("$" + unknownName).getBytes(StandardCharsets.UTF_8), 0, bytes, at, known.length);
        return bytes;
    }

    private static byte[] serialized(Serializable data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(data);
        }
        return bytes.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("not in the stream: " + new String(part, StandardCharsets.UTF_8));
    }

    private static void storeData(String task, byte[] data) throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement store = connection.prepareStatement(
                     "UPDATE scheduled_tasks SET task_data = ? WHERE task_name = ?")) {
            store.setBytes(1, data);
            store.setString(2, task);
            assertThat(store.executeUpdate()).isOne();
        }
    }

    /** A job's row: its consecutive failures and its data as read back. */
    private record Row(int failures, Object data) {
    }

    private static Row row(String task) throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement read = connection.prepareStatement(
                     "SELECT consecutive_failures, task_data FROM scheduled_tasks WHERE task_name = ?")) {
            read.setString(1, task);
            try (ResultSet rs = read.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return new Row(rs.getInt(1), new JavaSerializer().deserialize(Serializable.class, rs.getBytes(2)));
            }
        }
    }
}
