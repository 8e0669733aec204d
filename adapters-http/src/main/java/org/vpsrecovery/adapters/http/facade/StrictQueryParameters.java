package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one check every list and report of the platform's own ({@code /api/v1/...} outside the VPS.org-compatible
 * snapshot and backup lists) makes of its query: a parameter it does not take is 400 UNKNOWN_QUERY_PARAMETER, one given
 * twice 400 INVALID_QUERY_PARAMETER (ADR 0006). A typo in a filter ({@code ?stat=failed}) must never answer the
 * unfiltered list as if filtered. The VPS.org-compatible lists tolerate what VPS.org tolerates and do not call this.
 * Since session 54 the platform's own single reads (a webhook, a server, a change, a policy) make it too.
 */
public final class StrictQueryParameters {

    private StrictQueryParameters() {
    }

    /** Refuses any parameter not in {@code allowed} (the first by name) and any given more than once. */
    public static void check(HttpRequest<?> request, Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(request.getParameters().names());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            String first = CallerNames.told(unknown.iterator().next());
            throw new InvalidRequest(RequestReason.UNKNOWN_QUERY_PARAMETER, first, "unknown query parameter " + first
                    + (allowed.isEmpty() ? "; this route takes none" : "; this route takes " + new TreeSet<>(allowed)));
        }
        for (String name : request.getParameters().names()) {
            if (request.getParameters().getAll(name).size() > 1) {
                throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, name, name + " is given more than once");
            }
        }
    }
}
