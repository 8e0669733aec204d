package org.vpsrecovery.archfixture.application;

/** Breaks "the use cases name no route": its message tells the caller an API path. */
public class RouteInMessage {
    String whereToRead(String id) {
        return "read it (GET /api/v1/operations/" + id + "/) before asking again";
    }
}
