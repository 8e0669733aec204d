package org.vpsrecovery.domain.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which addresses a webhook may be sent to (the SSRF guard). Public unicast addresses are allowed.
 * Loopback and the private networks are refused unless allowed; everything else special-use
 * (link-local, which holds cloud metadata services, "this network", multicast, documentation and
 * reserved ranges) is refused always. An IPv4 address written inside IPv6 (mapped, compatible,
 * NAT64) is judged as the IPv4 address it carries.
 */
public record TargetAddressRules(boolean allowLoopback, boolean allowPrivate) {

    /** Only public addresses. */
    public static final TargetAddressRules PUBLIC_ONLY = new TargetAddressRules(false, false);

    /** Why {@code address} is refused, or empty when it is allowed. */
    public Optional<String> refusal(InetAddress address) {
        Objects.requireNonNull(address, "address");
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            Optional<byte[]> embedded = embeddedIpv4(bytes);
            if (embedded.isPresent()) {
                return refusal4(embedded.get());
            }
            return refusal6(bytes);
        }
        if (address instanceof Inet4Address) {
            return refusal4(bytes);
        }
        return Optional.of("not an IP address");
    }

    /**
     * Why a host's addresses are refused, if they are: one bad address refuses the target. The answer
     * names the kind of address, never the address, so that a team cannot map internal host names.
     */
    public Optional<String> refusal(List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            return Optional.of("the host resolves to no address");
        }
        for (InetAddress address : addresses) {
            Optional<String> refused = refusal(address);
            if (refused.isPresent()) {
                return refused.map(why -> "the host resolves to " + why);
            }
        }
        return Optional.empty();
    }

    private Optional<String> refusal4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        if (b0 == 127) {
            return allowLoopback ? Optional.empty() : Optional.of("loopback");
        }
        if (b0 == 10 || (b0 == 172 && b1 >= 16 && b1 <= 31) || (b0 == 192 && b1 == 168)
                || (b0 == 100 && b1 >= 64 && b1 <= 127)) {
            return allowPrivate ? Optional.empty() : Optional.of("a private network address");
        }
        if (b0 == 0) {
            return Optional.of("in \"this network\" (0.0.0.0/8)");
        }
        if (b0 == 169 && b1 == 254) {
            return Optional.of("link-local");
        }
        if (b0 >= 224) {
            return Optional.of("multicast, reserved or broadcast");
        }
        if ((b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) || (b0 == 198 && (b1 == 18 || b1 == 19))
                || (b0 == 198 && b1 == 51 && b2 == 100) || (b0 == 203 && b1 == 0 && b2 == 113)
                || (b0 == 192 && b1 == 88 && b2 == 99)) {
            return Optional.of("a special-use address");
        }
        return Optional.empty();
    }

    private Optional<String> refusal6(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        boolean zeroUpTo15 = Arrays.equals(Arrays.copyOf(a, 15), new byte[15]);
        if (zeroUpTo15 && a[15] == 1) {
            return allowLoopback ? Optional.empty() : Optional.of("loopback");
        }
        if (zeroUpTo15 && a[15] == 0) {
            return Optional.of("the unspecified address");
        }
        if ((b0 & 0xfe) == 0xfc) {
            return allowPrivate ? Optional.empty() : Optional.of("a unique local (private) address");
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return Optional.of("link-local");
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return Optional.of("site-local (deprecated private)");
        }
        if (b0 == 0xff) {
            return Optional.of("multicast");
        }
        if (b0 == 0x20 && b1 == 0x01 && (a[2] & 0xff) == 0x0d && (a[3] & 0xff) == 0xb8) {
            return Optional.of("a documentation address");
        }
        if (b0 == 0x01 && b1 == 0x00 && Arrays.equals(Arrays.copyOfRange(a, 2, 8), new byte[6])) {
            return Optional.of("a discard-only address");
        }
        int b2 = a[2] & 0xff;
        int b3 = a[3] & 0xff;
        if (b0 == 0x20 && b1 == 0x01 && b2 == 0 && b3 == 0) {
            // Teredo tunnels to whatever IPv4 its relay reaches (the client's address is obscured): not judgeable.
            return Optional.of("a Teredo tunnel address");
        }
        if (b0 == 0x20 && b1 == 0x01 && b2 == 0 && b3 == 0x02 && a[4] == 0 && a[5] == 0) {
            return Optional.of("a benchmarking address");
        }
        if (b0 == 0x20 && b1 == 0x02) {
            // 6to4 reaches the IPv4 inside it (2002:AABB:CCDD::/48): that address is the one judged.
            return refusal4(Arrays.copyOfRange(a, 2, 6)).map(why -> "a 6to4 address of " + why);
        }
        // Global unicast is 2000::/3; anything else is not meant to be reached.
        if ((b0 & 0xe0) != 0x20) {
            return Optional.of("not a global unicast address");
        }
        return Optional.empty();
    }

    /** ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64): the IPv4 inside. */
    private static Optional<byte[]> embeddedIpv4(byte[] a) {
        byte[] prefix = Arrays.copyOf(a, 12);
        boolean mapped = Arrays.equals(Arrays.copyOf(a, 10), new byte[10]) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
        boolean compatible = Arrays.equals(prefix, new byte[12])
                && !(a[12] == 0 && a[13] == 0 && a[14] == 0 && (a[15] == 0 || a[15] == 1));
        boolean nat64 = (a[0] & 0xff) == 0x00 && (a[1] & 0xff) == 0x64 && (a[2] & 0xff) == 0xff && (a[3] & 0xff) == 0x9b
                && Arrays.equals(Arrays.copyOfRange(a, 4, 12), new byte[8]);
        return mapped || compatible || nat64 ? Optional.of(Arrays.copyOfRange(a, 12, 16)) : Optional.empty();
    }
}
