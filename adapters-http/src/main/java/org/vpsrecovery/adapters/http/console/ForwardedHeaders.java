package org.vpsrecovery.adapters.http.console;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.failure.AtMostEvery;

/**
 * What the balancer in front says of a console request: the client's address ({@code X-Forwarded-For}) and whether the
 * client came over https (the first {@code X-Forwarded-Proto} value). Both are believed only with {@code
 * vpsr.console.sign-in.client-address=x-forwarded-for} and only from a peer in {@code
 * vpsr.console.sign-in.trusted-proxies} (IPs and CIDRs; loopback by default, the shipped nginx.conf's setup): a client
 * reaching the instance directly, or through a host not listed, would choose them (ADR 0041, amended in sessions 51 and
 * 52). The client is the rightmost {@code X-Forwarded-For} entry not in the list, each balancer appending the address it
 * was reached from. Addresses are read as IP literals only (Netty's {@code NetUtil}), never looked up; the list's
 * matching is Netty's {@code IpSubnetFilterRule}.
 */
@Singleton
public class ForwardedHeaders {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardedHeaders.class);
    static final String CLIENT_ADDRESS = FailedSignIns.PREFIX + "client-address";
    static final String TRUSTED_PROXIES = FailedSignIns.PREFIX + "trusted-proxies";
    /** The default: a balancer on the instance's own host, as docs/deploy/nginx.conf is run. */
    static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");
    static final String FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED_PROTO = "X-Forwarded-Proto";

    private final boolean believed;
    private final List<IpSubnetFilterRule> trustedProxies;
    /** The untrusted-peer WARN, one line for every peer: once per start let any peer reaching the port use it up. */
    private final AtMostEvery<String> untrustedPeerLine =
            new AtMostEvery<>(Duration.ofMinutes(10), 1, System::nanoTime);

    /** With the trusted proxies left at their default, loopback. */
    public ForwardedHeaders(String clientAddress) {
        this(clientAddress, null);
    }

    @Inject
    public ForwardedHeaders(@Value("${" + CLIENT_ADDRESS + ":peer}") String clientAddress,
                            @Nullable @Property(name = TRUSTED_PROXIES) List<String> trustedProxies) {
        if (!clientAddress.equals("peer") && !clientAddress.equals("x-forwarded-for")) {
            throw new IllegalArgumentException(CLIENT_ADDRESS + " must be peer or x-forwarded-for, was " + clientAddress);
        }
        this.believed = clientAddress.equals("x-forwarded-for");
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String entry : trustedProxies == null ? LOOPBACK : trustedProxies) {
            rules.add(subnet(entry));
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException(TRUSTED_PROXIES + " must list at least one IP or CIDR (unset, it is "
                    + String.join(",", LOOPBACK) + ")");
        }
        this.trustedProxies = List.copyOf(rules);
    }

    /** An IP literal or CIDR (192.0.2.0/24, 2001:db8::/32); a name is refused, never looked up. */
    private static IpSubnetFilterRule subnet(String entry) {
        String trimmed = entry == null ? "" : entry.strip();
        int slash = trimmed.indexOf('/');
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(slash < 0 ? trimmed : trimmed.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException(TRUSTED_PROXIES + " must list IP addresses or CIDRs (192.0.2.10, "
                    + "10.0.0.0/8, 2001:db8::/32), never a name, was \"" + trimmed + "\"");
        }
        int bits = address instanceof Inet4Address ? 32 : 128;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException(TRUSTED_PROXIES + ": the prefix of \"" + trimmed + "\" must be 0-" + bits);
        }
        return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
    }

    private boolean trusted(InetAddress address) {
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        return trustedProxies.stream().anyMatch(rule -> rule.matches(socket));
    }

    /** The headers are believed: the setting says so and the connection's peer is a trusted proxy. */
    private boolean fromTrustedProxy(HttpRequest<?> request) {
        if (!believed) {
            return false;
        }
        InetSocketAddress peer = request.getRemoteAddress();
        if (peer != null && peer.getAddress() != null && trusted(peer.getAddress())) {
            return true;
        }
        if (request.getHeaders().contains(FORWARDED_FOR) && untrustedPeerLine.sayNow("untrusted peer").isPresent()) {
            LOG.warn("X-Forwarded-For and X-Forwarded-Proto from {}, not in {}, are not believed: its sign-ins count "
                    + "against its own address (said at most every 10 minutes; list the balancer there if it is one)",
                    peer == null || peer.getAddress() == null ? "an unknown peer" : peer.getAddress().getHostAddress(),
                    TRUSTED_PROXIES);
        }
        return false;
    }

    /**
     * The client's address: walking X-Forwarded-For from the right, the first entry that is not a trusted proxy, when
     * believed. Every entry trusted, the leftmost; an entry that is no IP literal stops the walk (what lies left of it
     * the client chose), the last trusted one passed counting, or the peer's when none.
     */
    Optional<InetAddress> forwardedFor(HttpRequest<?> request) {
        if (!fromTrustedProxy(request)) {
            return Optional.empty();
        }
        List<String> entries = new ArrayList<>();
        for (String header : request.getHeaders().getAll(FORWARDED_FOR)) {
            entries.addAll(List.of(header.split(",", -1)));
        }
        InetAddress lastTrusted = null;
        for (int i = entries.size() - 1; i >= 0; i--) {
            // Netty's parser reads the standard dotted and colon forms only, never a name, nor "127.1" or "2130706433".
            InetAddress entry = NetUtil.createInetAddressFromIpAddressString(entries.get(i).strip());
            if (entry == null) {
                break;
            }
            if (!trusted(entry)) {
                return Optional.of(entry);
            }
            lastTrusted = entry;
        }
        return Optional.ofNullable(lastTrusted);
    }

    /** The first X-Forwarded-Proto value is https, when believed. */
    boolean forwardedHttps(HttpRequest<?> request) {
        String forwarded = fromTrustedProxy(request) ? request.getHeaders().get(FORWARDED_PROTO) : null;
        if (forwarded == null) {
            return false;
        }
        int comma = forwarded.indexOf(',');
        return (comma < 0 ? forwarded : forwarded.substring(0, comma)).strip().equalsIgnoreCase("https");
    }
}
