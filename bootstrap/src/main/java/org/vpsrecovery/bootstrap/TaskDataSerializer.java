package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.exceptions.SerializationException;
import com.github.kagkarlsson.scheduler.serializer.JavaSerializer;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.Task;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
     * {@code vpsr.tracking.batch} ids ({@link #LONGEST_LIST} at most).
     */
    static final ObjectInputFilter TASK_DATA = ObjectInputFilter.Config.createFilter(String.join(";",
            Stream.of(Stream.of("maxdepth=10", "maxarray=100000", "maxrefs=1000000"),
                    Arrays.stream(TaskData.class.getPermittedSubclasses()).map(Class::getName),
                    Stream.of("java.lang.Number", "java.lang.Long", "java.lang.Integer", "java.lang.String",
                            "java.lang.Object", "java.util.UUID", "java.util.CollSer",
                            "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
                            "java.time.Ser", "java.time.Instant", "java.time.Duration", "!*"))
                    .flatMap(patterns -> patterns).toList()));

    /** The largest list a job stores: a tracking round's ids, at most the largest {@code vpsr.tracking.batch}. */
    static final int LONGEST_LIST = RecoveryOperations.MAX_PAGE;

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

    /**
     * The start refuses when a job's own task data would not read back through {@link #TASK_DATA}: a field of a type
     * outside the list in a {@link TaskData} record, or a task whose declared data class is not listed, would otherwise
     * find each of its own rows read as none at run time (a round's rest silently not run) (ADR 0024, amended in
     * session 55). Each task's data class is checked with populated instances of it ({@link #populated}); a task whose data is
     * any {@link Serializable} with every {@link TaskData} record and a {@link Long}. So a new record left out of
     * {@link TaskData} is not caught here (the budgeted tasks declare {@link Serializable}, and the check writes only
     * {@link TaskData}'s records): {@code TaskDataSerializerTest}'s ArchUnit scan of the serializable records is.
     */
    static void refuseUnreadable(Collection<? extends Task<?>> tasks) {
        for (Task<?> task : tasks) {
            for (Object data : writtenBy(task.getDataClass())) {
                readBack(data).ifPresent(problem -> {
                    throw new StartupRefused(task.getName() + "'s task data (" + data.getClass().getName() + ") would "
                            + "not read back through TaskDataSerializer.TASK_DATA: " + problem + ". A release mistake: "
                            + "add the record to TaskData, or its field's type to TASK_DATA (ADR 0024, session 55)");
                });
            }
        }
    }

    /** What a task whose data is of {@code dataClass} may store: populated instances, none for {@link Void}. */
    static List<Object> writtenBy(Class<?> dataClass) {
        if (dataClass == Void.class) {
            return List.of();
        }
        if (dataClass == Serializable.class || dataClass == Object.class || dataClass == TaskData.class) {
            List<Object> all = new ArrayList<>(populated(Long.class));
            for (Class<?> record : TaskData.class.getPermittedSubclasses()) {
                all.addAll(populated(record));
            }
            return all;
        }
        return populated(dataClass);
    }

    /** {@code data} written as db-scheduler writes it and read back through {@link #TASK_DATA}: what went wrong, if so. */
    static Optional<String> readBack(Object data) {
        byte[] written = new JavaSerializer().serialize(data);
        try {
            Object read = readAllowed(Object.class, written);
            return read == null || !read.equals(data) ? Optional.of("it reads back as " + read) : Optional.empty();
        } catch (SerializationException e) {
            return Optional.of(String.valueOf(e.getCause() == null ? e : e.getCause()));
        }
    }

    /**
     * Instances of {@code type} with every field set, as this release may write them: numbers counting up, instants in
     * order, lists and sets of {@link #LONGEST_LIST} elements; a field of any serializable value once with each other
     * {@link TaskData} record (those holding no such field) and once with a {@link Long}. A type it does not know is a
     * release mistake too: the check cannot vouch for it.
     */
    static List<Object> populated(Class<?> type) {
        return new Populated().of(type, Set.of());
    }

    /** Counts up across one instance's fields, so instants are in order and no two ids are equal. */
    private static final class Populated {

        private static final Instant FIRST = Instant.parse("2026-01-01T00:00:00Z");
        private long next = 1;

        List<Object> of(Type type, Set<Class<?>> within) {
            if (type instanceof ParameterizedType generic && generic.getRawType() instanceof Class<?> raw) {
                Type[] of = generic.getActualTypeArguments();
                if (raw == List.class || raw == Collection.class) {
                    return List.of(Stream.generate(() -> one(of[0], within)).limit(LONGEST_LIST).toList());
                }
                if (raw == Set.class) {
                    return List.of(Set.copyOf(Stream.generate(() -> one(of[0], within)).limit(LONGEST_LIST).toList()));
                }
                if (raw == Map.class) {
                    Map<Object, Object> map = new HashMap<>();
                    for (int i = 0; i < LONGEST_LIST; i++) {
                        map.put(one(of[0], within), one(of[1], within));
                    }
                    return List.of(Map.copyOf(map));
                }
                return of(raw, within);
            }
            if (!(type instanceof Class<?> c)) {
                throw unknown(type);
            }
            long n = next++;
            if (c == long.class || c == Long.class) {
                return List.of(n);
            } else if (c == int.class || c == Integer.class) {
                return List.of((int) n);
            } else if (c == boolean.class || c == Boolean.class) {
                return List.of(true);
            } else if (c == double.class || c == Double.class) {
                return List.of(n + 0.5);
            } else if (c == String.class) {
                return List.of("task-data-" + n);
            } else if (c == UUID.class) {
                return List.of(UUID.nameUUIDFromBytes(Long.toString(n).getBytes(StandardCharsets.UTF_8)));
            } else if (c == Instant.class) {
                return List.of(FIRST.plusSeconds(60 * n));
            } else if (c == OffsetDateTime.class) {
                return List.of(FIRST.plusSeconds(60 * n).atOffset(ZoneOffset.ofHours(1)));
            } else if (c == Duration.class) {
                return List.of(Duration.ofSeconds(n));
            } else if (c.isEnum()) {
                return List.of(c.getEnumConstants()[0]);
            } else if (c == Serializable.class || c == Object.class) {
                List<Object> any = new ArrayList<>(List.of(n));
                for (Class<?> record : TaskData.class.getPermittedSubclasses()) {
                    if (!within.contains(record) && !holdsAny(record)) {
                        any.addAll(of(record, within));
                    }
                }
                return any;
            } else if (c.isRecord()) {
                return record(c, within);
            }
            throw unknown(c);
        }

        private Object one(Type type, Set<Class<?>> within) {
            return of(type, within).getFirst();
        }

        /** One instance per value of its field with the most (a serializable value's kinds), the others' first. */
        private List<Object> record(Class<?> record, Set<Class<?>> within) {
            Set<Class<?>> inside = new HashSet<>(within);
            inside.add(record);
            RecordComponent[] components = record.getRecordComponents();
            List<List<Object>> values = new ArrayList<>();
            for (RecordComponent component : components) {
                values.add(of(component.getGenericType(), inside));
            }
            int kinds = values.stream().mapToInt(List::size).max().orElse(1);
            List<Object> made = new ArrayList<>();
            for (int kind = 0; kind < kinds; kind++) {
                Object[] args = new Object[components.length];
                for (int i = 0; i < args.length; i++) {
                    args[i] = values.get(i).get(Math.min(kind, values.get(i).size() - 1));
                }
                try {
                    Constructor<?> canonical = record.getDeclaredConstructor(
                            Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
                    canonical.setAccessible(true);
                    made.add(canonical.newInstance(args));
                } catch (InvocationTargetException refused) {
                    throw new IllegalStateException("task data " + record.getName() + " refused the populated values "
                            + Arrays.toString(args) + ": " + refused.getCause(), refused.getCause());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("task data " + record.getName() + " could not be made", e);
                }
            }
            return made;
        }

        private static boolean holdsAny(Class<?> record) {
            return Arrays.stream(record.getRecordComponents())
                    .anyMatch(c -> c.getType() == Serializable.class || c.getType() == Object.class);
        }

        private static StartupRefused unknown(Type type) {
            return new StartupRefused("task data holds a " + type.getTypeName() + ", which TaskDataSerializer's check "
                    + "cannot populate: give it a value there, or store another type (ADR 0024, session 55)");
        }
    }
}
