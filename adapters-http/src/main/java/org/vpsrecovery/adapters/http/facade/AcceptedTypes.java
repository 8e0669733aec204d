package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Which of the types a route offers a request's Accept header lets it answer, as RFC 9110 12.5.1 says: each offered
 * type is given the q-value of the most specific range that matches it ({@code type/subtype} over {@code type/*} over
 * {@code *}{@code /*}), a q of 0 means "not acceptable", and a type no range matches is not acceptable. No Accept, or
 * none Micronaut could read, accepts anything. Parameters other than q are not compared: JSON has no parameter, and
 * {@code Accept: application/json;charset=utf-8} asks for JSON (ADR 0006, session 42). The header is read by Micronaut
 * ({@link HttpRequest#accept()}: every header line, split at commas, each range parsed by {@link MediaType}, unreadable
 * ones left out), which orders the ranges concrete first, then by q.
 *
 * <p>A range naming {@code application/problem+json} also accepts the JSON a route answers, less specifically than one
 * naming {@code application/json} or a wildcard, and after every range (ADR 0006, session 52; own-merge review: it
 * had outranked a wildcard and a named CSV, moving the audit events between JSON and CSV): clients generated from the OpenAPI
 * document send only that type when a route's success has no body (a 204) or its errors are listed first, and a 406 for
 * JSON they can read helps none of them. RFC 9110 12.5.1 lets a server answer what Accept does not name.
 */
public final class AcceptedTypes {

    private static final String PROBLEM_JSON = ProblemDetails.MEDIA_TYPE;

    private AcceptedTypes() {
    }

    /**
     * The offered type to answer: the highest q; between equals, the one whose range came first, then the first
     * offered. Empty when none is acceptable (406).
     */
    public static Optional<MediaType> preferred(HttpRequest<?> request, List<MediaType> offered) {
        Collection<MediaType> ranges = request.accept();
        if (ranges.isEmpty()) {
            return offered.stream().findFirst();
        }
        MediaType best = null;
        Weight bestWeight = null;
        for (MediaType type : offered) {
            Weight weight = weightOf(type, ranges);
            if (weight != null && weight.quality.signum() > 0 && (bestWeight == null || weight.beats(bestWeight))) {
                best = type;
                bestWeight = weight;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether the route may answer at all: a route that offers nothing named, or {@code *}{@code /*}, offers anything. */
    public static boolean anyAcceptable(HttpRequest<?> request, List<MediaType> offered) {
        return offered.isEmpty() || offered.contains(MediaType.ALL_TYPE) || preferred(request, offered).isPresent();
    }

    /** The q the most specific matching range gives this type and where that range stands; null when none matches. */
    private static Weight weightOf(MediaType type, Collection<MediaType> ranges) {
        Weight found = null;
        Weight problemJson = null;
        int specificityFound = -1;
        int position = 0;
        for (MediaType range : ranges) {
            int specificity = specificity(range, type);
            if (specificity == 0) {
                // problem+json for JSON is a fallback standing after every range (own-merge review, session 52): it
                // had outranked a wildcard and a named CSV, moving the audit events between JSON and CSV.
                problemJson = problemJson == null ? new Weight(quality(range), Integer.MAX_VALUE) : problemJson;
            } else if (specificity > specificityFound) {
                // The first of equally specific ranges: Micronaut put the higher q first.
                found = new Weight(quality(range), position);
                specificityFound = specificity;
            }
            position++;
        }
        // Taken where nothing else accepts JSON: no range matched, or only a wildcard refusing all else (q=0); JSON
        // refused by name stays refused.
        boolean refusedByWildcard = found != null && found.quality.signum() == 0 && specificityFound < 3;
        return problemJson != null && (found == null || refusedByWildcard) ? problemJson : found;
    }

    /** A range's q: RFC 9110 names parameters case-insensitively; Micronaut reads only a lower-case {@code q}. */
    private static BigDecimal quality(MediaType range) {
        for (CharSequence name : range.getParameters()) {
            if (name.toString().strip().equalsIgnoreCase("q")) {
                try {
                    BigDecimal q = new BigDecimal(range.getParameters().get(name).orElse("1").strip());
                    return q.max(BigDecimal.ZERO).min(BigDecimal.ONE);
                } catch (NumberFormatException unreadable) {
                    return range.getQualityAsNumber();
                }
            }
        }
        return range.getQualityAsNumber();
    }

    /**
     * How specifically a range names the type: -1 not at all, 0 problem+json for JSON (a fallback), 1 {@code *}{@code /*},
     * 2 {@code type/*}, 3 exactly.
     */
    private static int specificity(MediaType range, MediaType type) {
        if (PROBLEM_JSON.equalsIgnoreCase(range.getName()) && MediaType.APPLICATION_JSON.equalsIgnoreCase(type.getName())) {
            // Only as a yes: problem+json;q=0 says nothing against JSON ("problem+json;q=0, */*" is JSON, as before).
            return quality(range).signum() > 0 ? 0 : -1;
        }
        if (!range.matches(type)) {
            return -1;
        }
        if (range.getType().equals("*")) {
            return 1;
        }
        return range.getSubtype().equals("*") ? 2 : 3;
    }

    private record Weight(BigDecimal quality, int position) {
        boolean beats(Weight other) {
            int byQuality = quality.compareTo(other.quality);
            return byQuality > 0 || (byQuality == 0 && position < other.position);
        }
    }
}
