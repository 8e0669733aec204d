package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.exceptions.SerializationException;
import com.github.kagkarlsson.scheduler.serializer.JavaSerializer;
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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * The jobs' task data populated as this release may write it, and read back through {@link TaskDataSerializer}: that
 * the release's own data reads back is a fact of the build, checked by {@code TaskDataSerializerTest}, not at each start
 * (ADR 0024, amended in session 56; the start check of session 55 was this code in production).
 */
final class PopulatedTaskData {

    /** The largest list a job stores: a tracking round's ids, at most the largest {@code vpsr.tracking.batch}. */
    static final int LONGEST_LIST = RecoveryOperations.MAX_PAGE;

    private static final Instant FIRST = Instant.parse("2026-01-01T00:00:00Z");

    private PopulatedTaskData() {
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

    /**
     * {@code data} written as db-scheduler writes it and read back by the service's serializer: what went wrong, if so
     * (a refusal as its WARN names it, a read failing otherwise, or a value read back unequal).
     */
    static Optional<String> readBack(Object data) {
        byte[] written = new JavaSerializer().serialize(data);
        AtomicReference<Object> read = new AtomicReference<>();
        AtomicReference<SerializationException> failed = new AtomicReference<>();
        List<String> warnings = LoggedWarnings.of(TaskDataSerializer.class, () -> {
            try {
                read.set(new TaskDataSerializer().deserialize(Object.class, written));
            } catch (SerializationException e) {
                failed.set(e);
            }
        });
        if (failed.get() != null) {
            return Optional.of(String.valueOf(failed.get().getCause() == null ? failed.get() : failed.get().getCause()));
        }
        if (read.get() == null) {
            return Optional.of("it reads back as none: " + warnings);
        }
        return read.get().equals(data) ? Optional.empty() : Optional.of("it reads back as " + read.get());
    }

    /**
     * Instances of {@code type} with every field set, as this release may write them: numbers counting up, instants in
     * order, lists and sets of {@link #LONGEST_LIST} elements; a field of any serializable value once with each other
     * {@link TaskData} record (those holding no such field) and once with a {@link Long}. A type it does not know fails:
     * the check cannot vouch for it.
     */
    static List<Object> populated(Class<?> type) {
        return new Counting().of(type, Set.of());
    }

    /** Counts up across one instance's fields, so instants are in order and no two ids are equal. */
    private static final class Counting {

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

        private static IllegalStateException unknown(Type type) {
            return new IllegalStateException("task data holds a " + type.getTypeName() + ", which PopulatedTaskData "
                    + "cannot populate: give it a value here, or store another type (ADR 0024, session 56)");
        }
    }
}
