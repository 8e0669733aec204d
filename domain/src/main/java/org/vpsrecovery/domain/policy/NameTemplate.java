package org.vpsrecovery.domain.policy;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * How a policy names what it makes: text with the placeholders {@code {server_id}}, {@code {date}}
 * (yyyyMMdd) and {@code {time}} (HHmm, both in the policy's time zone). A snapshot policy's template
 * renders a snapshot name ({@link SnapshotName#RULE}) for every server and time; a manual backup's, a
 * description. It is checked by rendering the longest values the placeholders can take.
 */
public record NameTemplate(String value) {

    public static final int MAX_LENGTH = 200;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(server_id|date|time)}");
    private static final String LONGEST_SERVER_ID = Long.toString(Long.MAX_VALUE);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmm");

    public NameTemplate {
        Objects.requireNonNull(value, "name template");
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("name_template must be 1-" + MAX_LENGTH + " characters");
        }
        String rest = PLACEHOLDER.matcher(value).replaceAll("");
        if (rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
            throw new IllegalArgumentException("name_template knows only the placeholders {server_id}, {date} and {time}");
        }
    }

    /** A template a team gives now: also no code point this JDK calls unassigned ({@link Description#newlyGiven}). */
    public static NameTemplate given(String value) {
        try {
            return new NameTemplate(Description.newlyGiven(Objects.requireNonNull(value, "name template")));
        } catch (IllegalArgumentException unassigned) {
            throw new IllegalArgumentException(unassigned.getMessage().startsWith("name_template")
                    ? unassigned.getMessage() : "name_template " + unassigned.getMessage());
        }
    }

    /** Refuses a template whose longest rendering is not a valid name (snapshots) or description (backups). */
    public void requireRendersFor(PolicyKind kind) {
        String longest = fill(LONGEST_SERVER_ID, "20261231", "2359");
        try {
            switch (kind) {
                case SNAPSHOT -> new SnapshotName(longest);
                case MANUAL_BACKUP -> new Description(longest);
            }
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException("name_template must render a valid "
                    + (kind == PolicyKind.SNAPSHOT ? "snapshot name (" + SnapshotName.RULE + ", with {server_id} up to 19 digits)"
                    : "description (" + invalid.getMessage() + ")"));
        }
    }

    public String render(ServerId server, ZonedDateTime at) {
        return fill(Long.toString(server.value()), DATE.format(at), TIME.format(at));
    }

    /**
     * Whether {@code name} is one this template renders (for any server, date and time): how the
     * platform tells a policy-made point from a person-made one until policy runs record their own.
     */
    public boolean matches(String name) {
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(value);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(value.substring(last, m.start())));
            regex.append(switch (m.group(1)) {
                case "server_id" -> "[0-9]{1,19}";
                case "date" -> "[0-9]{8}";
                default -> "[0-9]{4}";
            });
            last = m.end();
        }
        regex.append(Pattern.quote(value.substring(last)));
        return name != null && Pattern.compile(regex.toString()).matcher(name).matches();
    }

    private String fill(String serverId, String date, String time) {
        return value.replace("{server_id}", serverId).replace("{date}", date).replace("{time}", time);
    }

    @Override
    public String toString() {
        return value;
    }
}
