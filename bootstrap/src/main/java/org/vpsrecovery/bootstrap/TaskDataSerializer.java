package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.exceptions.SerializationException;
import com.github.kagkarlsson.scheduler.serializer.JavaSerializer;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import java.io.InvalidClassException;
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
 */
final class TaskDataSerializer implements Serializer {

    private static final Logger LOG = LoggerFactory.getLogger(TaskDataSerializer.class);

    /** The job whose data is being read on this thread, for the log (the serializer is not told which it reads for). */
    private static final ThreadLocal<String> READING_FOR = new ThreadLocal<>();

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
            return java.deserialize(dataClass, serialized);
        } catch (SerializationException e) {
            if (!(e.getCause() instanceof ClassNotFoundException || e.getCause() instanceof InvalidClassException)) {
                throw e;
            }
            String task = Objects.requireNonNullElse(READING_FOR.get(), "a job");
            if (toldOf.add(task)) {
                LOG.warn("{}: its task data is of a class this release does not know or reads otherwise ({}), written "
                        + "by another release: read as none, so its round starts fresh", task, e.getCause().getMessage());
            }
            return null;
        }
    }
}
