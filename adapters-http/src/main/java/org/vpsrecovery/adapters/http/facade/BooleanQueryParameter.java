package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import java.util.List;

/** A flag in the query string: absent or {@code false} is off, {@code true} on; anything else, or twice, is refused. */
final class BooleanQueryParameter {

    private BooleanQueryParameter() {
    }

    static boolean read(HttpRequest<?> request, String name) {
        List<String> values = request.getParameters().getAll(name);
        if (values.isEmpty()) {
            return false;
        }
        if (values.size() == 1 && (values.get(0).equals("true") || values.get(0).equals("false"))) {
            return values.get(0).equals("true");
        }
        throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, name, name + " must be true or false, once");
    }
}
