package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.exceptions.SerializationException;
import com.github.kagkarlsson.scheduler.serializer.JavaSerializer;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * db-scheduler's Java serialization of the jobs' task data, except that data of a class this release does not know
 * (written by a later release, or by an earlier one whose class this release changed) is read as none: the job reading
 * it starts a fresh round, which each of ours reads as such (ADR 0024, amended in session 48). Read as it was, it failed
 * every run, and db-scheduler's failure handler kept the same data, so the job failed at every interval for ever.
 * Only that case: any other failure to read (a stream cut short, a value its record refuses) fails the run as before.
 *
 * <p>The bytes are read through an allow-list ({@link #TASK_DATA}): the jobs' own task-data records and the JDK values
 * they hold. A class outside it (a gadget put into {@code scheduled_tasks}, or a class a later release added) is refused
 * before it is made, none of its code run, and read as none like an unknown class (ADR 0024, amended in session 54).
 */
final class TaskDataSerializer implements Serializer {

    private static final Logger LOG = LoggerFactory.getLogger(TaskDataSerializer.class);

    /** The job whose data is being read on this thread, for the log (the serializer is not told which it reads for). */
    private static final ThreadLocal<String> READING_FOR = new ThreadLocal<>();

    /**
     * What task data may hold: what the jobs store (a {@link Long} or {@link Integer}, the {@link TaskData} records,
     * none for the others) and what those records are made of ({@code List.copyOf}'s serial form, UUIDs, {@code Instant}s
     * and {@code Duration}s, read through {@code java.time.Ser}, strings). Everything else is refused. The records come
     * from {@link TaskData}'s one list, not a second one kept here (session 55). The sizes are bounded too: a list's
     * length is read from the bytes and its array made before any element, so a row claiming 10^8 elements would exhaust
     * the heap of every instance that picks the job up, again after each restart; the largest list stored holds at most
     * {@code vpsr.tracking.batch} ids ({@link RecoveryOperations#MAX_PAGE} at most). That the jobs' own data reads back
     * through it is a fact of the build, checked by {@code TaskDataSerializerTest}, not at each start (session 56).
     */
    static final ObjectInputFilter TASK_DATA = ObjectInputFilter.Config.createFilter(String.join(";",
            Stream.of(Stream.of("maxdepth=10", "maxarray=100000", "maxrefs=1000000"),
                    Arrays.stream(TaskData.class.getPermittedSubclasses()).map(Class::getName),
                    Stream.of("java.lang.Number", "java.lang.Long", "java.lang.Integer", "java.lang.String",
                            "java.lang.Object", "java.util.UUID", "java.util.CollSer",
                            "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
                            "java.time.Ser", "java.time.Instant", "java.time.Duration", "!*"))
                    .flatMap(patterns -> patterns).toList()));

    /** Task data read as none, by job: {@code vpsr_jobs_task_data_unread_total{job}}. */
    static final String UNREAD = "vpsr.jobs.task.data.unread";

    /** The job of a read not made through {@link #readFor} (db-scheduler's own). */
    static final String OTHER_JOB = "other";

    private final MeterRegistry registry;

    private final Serializer java = new JavaSerializer();

    /** The jobs whose unknown data was said already: said once each, not at every run that fails after it. */
    private final Set<String> toldOf = ConcurrentHashMap.newKeySet();

    /** Counting nowhere (tests that look only at what is read). */
    TaskDataSerializer() {
        this(new SimpleMeterRegistry(), List.of());
    }

    /**
     * Counting each read as none in {@code registry}, by job: {@code jobs}' series and {@link #OTHER_JOB}'s are there
     * from the start, at 0, so an alert on their increase sees the first (session 55).
     */
    TaskDataSerializer(MeterRegistry registry, Collection<String> jobs) {
        this.registry = registry;
        jobs.forEach(this::unread);
        unread(OTHER_JOB); // at 0 too: a read not made for a named job is then seen by the same alert
    }

    private Counter unread(String job) {
        return Counter.builder(UNREAD).tag("job", job)
                .description("Task data this instance read as none (of a class this release does not know or does not "
                        + "allow): the job's round started fresh, the rest of the round that data held was not run")
                .register(registry);
    }

    /** Reads a task's data as the job {@code task}: an unknown class read as none is then logged naming it. */
    static <T> T readFor(String task, Supplier<T> read) {
        String outer = READING_FOR.get();
        READING_FOR.set(task);
        try {
            return read.get();
        } finally {
            if (outer == null) {
                READING_FOR.remove();
            } else {
                READING_FOR.set(outer);
            }
        }
    }

    @Override
    public byte[] serialize(Object data) {
        return java.serialize(data);
    }

    @Override
    public <T> T deserialize(Class<T> dataClass, byte[] serialized) {
        try {
            return readAllowed(dataClass, serialized);
        } catch (SerializationException e) {
            if (!(e.getCause() instanceof ClassNotFoundException || e.getCause() instanceof InvalidClassException)) {
                throw e;
            }
            String task = Objects.requireNonNullElse(READING_FOR.get(), OTHER_JOB);
            unread(task).increment();
            if (toldOf.add(task)) {
                LOG.warn("{}: its task data is of a class this release does not know, reads otherwise or does not allow "
                        + "({}), written by another release or not by this service: read as none, so its round starts fresh "
                        + "(counted in vpsr_jobs_task_data_unread_total)", task, e.getCause().getMessage());
            }
            return null;
        }
    }

    /** As db-scheduler's {@link JavaSerializer} reads, through {@link #TASK_DATA}; a refusal names what it refused. */
    private static <T> T readAllowed(Class<T> dataClass, byte[] serialized) {
        if (serialized == null) {
            return null;
        }
        AtomicReference<String> refused = new AtomicReference<>();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized))) {
            in.setObjectInputFilter(info -> {
                ObjectInputFilter.Status status = TASK_DATA.checkInput(info);
                if (status == ObjectInputFilter.Status.REJECTED) {
                    refused.compareAndSet(null, info.serialClass() == null
                            ? "past the bounds (depth " + info.depth() + ", references " + info.references() + ")"
                            : info.serialClass().getName() + (info.arrayLength() < 0 ? "" : " of length "
                                    + info.arrayLength()) + ", by the allow-list or its bounds");
                }
                return status;
            });
            return dataClass.cast(in.readObject());
        } catch (InvalidClassException e) {
            throw new SerializationException("Failed to deserialize object", refused.get() == null ? e
                    : new InvalidClassException("refused " + refused.get()));
        } catch (IOException | ClassNotFoundException e) {
            throw new SerializationException("Failed to deserialize object", e);
        }
    }
}
