package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.exceptions.SerializationException;
import com.github.kagkarlsson.scheduler.serializer.JavaSerializer;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
     * What task data may hold: what the jobs store (a {@link Long} or {@link Integer}, the records below, none for the
     * others) and what those records are made of ({@code List.copyOf}'s serial form, UUIDs, {@code Instant}s and
     * {@code Duration}s, read through {@code java.time.Ser}, strings). Everything else is refused. The sizes are bounded
     * too: a list's length is read from the bytes and its array made before any element, so a row claiming 10^8 elements
     * would exhaust the heap of every instance that picks the job up, again after each restart; the largest list stored
     * holds at most {@code vpsr.tracking.batch} ids (200 by default).
     */
    static final ObjectInputFilter TASK_DATA = ObjectInputFilter.Config.createFilter(String.join(";",
            "maxdepth=10", "maxarray=100000", "maxrefs=1000000",
            DriftScanJobs.RoundUnderWay.class.getName(),
            PolicyRunJobs.WindowUnderWay.class.getName(),
            ClusterJobs.OperationsUnderWay.class.getName(),
            ClusterJobs.IntentsUnderWay.class.getName(),
            BudgetedRecurringTask.HeldOff.class.getName(),
            "java.lang.Number", "java.lang.Long", "java.lang.Integer", "java.lang.String", "java.lang.Object",
            "java.util.UUID", "java.util.CollSer", "java.util.ImmutableCollections$List12",
            "java.util.ImmutableCollections$ListN", "java.time.Ser", "java.time.Instant", "java.time.Duration",
            "!*"));

    private final Serializer java = new JavaSerializer();

    /** The jobs whose unknown data was said already: said once each, not at every run that fails after it. */
    private final Set<String> toldOf = ConcurrentHashMap.newKeySet();

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
            String task = Objects.requireNonNullElse(READING_FOR.get(), "a job");
            if (toldOf.add(task)) {
                LOG.warn("{}: its task data is of a class this release does not know, reads otherwise or does not allow "
                        + "({}), written by another release or not by this service: read as none, so its round starts fresh", task, e.getCause().getMessage());
            }
            return null;
        }
    }

    /** As db-scheduler's {@link JavaSerializer} reads, through {@link #TASK_DATA}. */
    private static <T> T readAllowed(Class<T> dataClass, byte[] serialized) {
        if (serialized == null) {
            return null;
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized))) {
            in.setObjectInputFilter(TASK_DATA);
            return dataClass.cast(in.readObject());
        } catch (IOException | ClassNotFoundException e) {
            throw new SerializationException("Failed to deserialize object", e);
        }
    }
}
