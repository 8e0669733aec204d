package org.vpsrecovery.adapters.http.console;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import java.util.Locale;

/**
 * How a console request reached the service: over https (here, or at a TLS-terminating balancer that says so), and
 * whether it was addressed to this machine's loopback. Both decide the cookie's {@code Secure} and HSTS (ADR 0041,
 * amended in session 49).
 */
final class ConsoleTransport {

    private ConsoleTransport() {
    }

    /**
     * TLS here, or {@code X-Forwarded-Proto: https} from the balancer in front ({@link ForwardedHeaders}). It was believed
     * from anyone (session 49: it only adds {@code Secure} and HSTS); now only where the operator says every request
     * comes through that balancer, so a client reaching the instance directly cannot claim https (ADR 0041, session 51).
     */
    static boolean overHttps(HttpRequest<?> request, ForwardedHeaders forwarded) {
        return request.isSecure() || forwarded.forwardedHttps(request);
    }

    /**
     * The Host the request names is this machine's loopback ({@code localhost}, {@code *.localhost}, {@code 127.x.y.z},
     * {@code [::1]}): the embedded service opened in a browser on the same machine, where no network carries the
     * cookie. No Host (HTTP/1.0) is not loopback. The name is read, never looked up.
     */
    static boolean addressedToLoopback(HttpRequest<?> request) {
        String host = request.getHeaders().get(HttpHeaders.HOST);
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            return end > 0 && name.substring(1, end).equals("::1");
        }
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.equals("localhost") || name.endsWith(".localhost") || loopbackIpv4(name);
    }

    private static boolean loopbackIpv4(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
