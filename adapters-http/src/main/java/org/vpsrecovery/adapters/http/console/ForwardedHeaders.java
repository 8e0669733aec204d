package org.vpsrecovery.adapters.http.console;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.netty.util.NetUtil;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.util.Optional;

/**
 * What the balancer in front says of a console request: the client's address (the last {@code X-Forwarded-For} value,
 * the one it appended) and whether the client came over https (the first {@code X-Forwarded-Proto} value). Both are
 * believed only with {@code vpsr.console.sign-in.client-address=x-forwarded-for}, the operator's word that every request
 * comes through that balancer; with {@code peer} (the default) a client reaching the instance directly would choose them
 * (ADR 0041, amended in session 51). An address is read as an IP literal only, never looked up.
 */
@Singleton
public class ForwardedHeaders {

    static final String CLIENT_ADDRESS = FailedSignIns.PREFIX + "client-address";
    static final String FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED_PROTO = "X-Forwarded-Proto";

    private final boolean believed;

    public ForwardedHeaders(@Value("${" + CLIENT_ADDRESS + ":peer}") String clientAddress) {
        if (!clientAddress.equals("peer") && !clientAddress.equals("x-forwarded-for")) {
            throw new IllegalArgumentException(CLIENT_ADDRESS + " must be peer or x-forwarded-for, was " + clientAddress);
        }
        this.believed = clientAddress.equals("x-forwarded-for");
    }

    /** The last X-Forwarded-For value as an IP address, when believed and an IP literal (a name is never resolved). */
    Optional<InetAddress> forwardedFor(HttpRequest<?> request) {
        String header = believed ? request.getHeaders().get(FORWARDED_FOR) : null;
        if (header == null) {
            return Optional.empty();
        }
        String last = header.substring(header.lastIndexOf(',') + 1).strip();
        // Netty's parser reads the standard dotted and colon forms only, never a name, nor "127.1" or "2130706433".
        return Optional.ofNullable(NetUtil.createInetAddressFromIpAddressString(last));
    }

    /** The first X-Forwarded-Proto value is https, when believed. */
    boolean forwardedHttps(HttpRequest<?> request) {
        String forwarded = believed ? request.getHeaders().get(FORWARDED_PROTO) : null;
        if (forwarded == null) {
            return false;
        }
        int comma = forwarded.indexOf(',');
        return (comma < 0 ? forwarded : forwarded.substring(0, comma)).strip().equalsIgnoreCase("https");
    }
}
