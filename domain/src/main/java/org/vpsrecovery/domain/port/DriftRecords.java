package org.vpsrecovery.domain.port;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.drift.Drift;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.drift.ListedPoint;
import org.vpsrecovery.domain.drift.RecordedDrift;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The drifts the scans found (ADR 0035), each (point, kind) once per team (a server the teams file moved to another
 * team is judged for its new owner afresh: ADR 0035, amended in session 38), and the scans' memory of the
 * automatic backups each server had, which no audit event names.
 */
public interface DriftRecords {

    int MAX_PAGE = 500;

    /** Stores a new drift, or nothing (empty) when its team already has a drift of that kind on the same point on record. */
    Optional<RecordedDrift> record(Drift drift);

    /** Writes {@code resolved}'s resolution over the stored drift if it is still open; false otherwise. */
    boolean resolve(RecordedDrift resolved);

    /** Every drift on record for one server, open or not, oldest first, whichever team it was found for. */
    List<RecordedDrift> onServer(ServerId server);

    /**
     * Drifts matching the filter with an id below {@code beforeId} (if given), newest first, {@code limit}
     * 1-{@value #MAX_PAGE}; the page's next is the last drift's id.
     */
    KeysetPage<RecordedDrift, Long> page(DriftFilter filter, OptionalLong beforeId, int limit);

    /** The automatic backups the last scan of the server saw. */
    List<ListedPoint.Sighting> sightings(ServerId server);

    /** Replaces the server's remembered automatic backups with those just seen. */
    void replaceSightings(ServerId server, List<ListedPoint.Sighting> seen);

    static void requirePage(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE);
        }
    }
}
