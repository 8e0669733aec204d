package org.vpsrecovery.adapters.http.console;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.exceptions.HttpStatusException;

/** A console request refused before any page is made, answered as a page with this title and detail. */
final class ConsoleRequestRefused extends HttpStatusException {

    private final String title;

    ConsoleRequestRefused(HttpStatus status, String title, String detail) {
        super(status, detail);
        this.title = title;
    }

    String title() {
        return title;
    }
}
