package dk.samtale.journal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the journal may send entries and fetch tokens (SSRF). A tenant admin chooses the URLs, so
 * without this an admin could make the service POST the journal — or fetch a "token" — from the
 * service's own network: the database, the cluster's API, a cloud metadata endpoint.
 *
 * <p>
 * Rules: {@code https} only ({@code http} only with {@code allow-insecure}, for local tests); no user
 * info; every address the host resolves to must be public: not loopback, link-local, private (RFC
 * 1918, ULA), carrier-grade NAT, unspecified, multicast or one of {@code blocked-networks} (the
 * cluster's own ranges), unless it lies in {@code allowed-networks}. Checked when the admin sets a URL
 * ({@link #check}) <em>and</em> on every connect ({@link #resolve}, the push client's DNS resolver), so a
 * name that resolves to a public address when it is set and to 127.0.0.1 later (DNS rebinding) is
 * refused at connect time.
 */
public final class EndpointPolicy {

    /** DNS, replaceable in tests (a rebinding name cannot be had from real DNS here). */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A host that resolves to an address this policy refuses. */
    public static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String host) {
            super(host + " resolves to an address outside the allowed networks");
        }
    }

    /** Always refused unless allowed explicitly (beside what InetAddress classifies itself). */
    private static final List<Cidr> SPECIAL = Stream.of("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24",
            "198.18.0.0/15", "240.0.0.0/4", "fc00::/7", "::/96", "64:ff9b::/96").map(Cidr::parse).toList();

    private final boolean allowInsecure;
    private final List<Cidr> allowed;
    private final List<Cidr> blocked;
    private final Resolver dns;

    public EndpointPolicy(boolean allowInsecure, List<String> allowedNetworks, List<String> blockedNetworks,
            Resolver dns) {
        this.allowInsecure = allowInsecure;
        this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
        this.blocked = blockedNetworks.stream().map(Cidr::parse).toList();
        this.dns = dns;
    }

    public static EndpointPolicy of(JournalConfig.Push config) {
        return new EndpointPolicy(config.allowInsecure(), config.allowedNetworks().orElse(List.of()),
                config.blockedNetworks().orElse(List.of()), InetAddress::getAllByName);
    }

    public boolean allowInsecure() {
        return allowInsecure;
    }

    /** Null when the URL may be used; otherwise why not (safe to show the admin who set it). */
    public Optional<String> check(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (Exception e) {
            return Optional.of("must be an absolute https URL");
        }
        if (u.getHost() == null || u.getScheme() == null || u.getRawUserInfo() != null || u.getRawFragment() != null) {
            return Optional.of("must be an absolute https URL without user info or fragment");
        }
        if (!"https".equals(u.getScheme()) && !("http".equals(u.getScheme()) && allowInsecure)) {
            return Optional.of("must be an https URL");
        }
        try {
            resolve(u.getHost());
        } catch (RefusedAddress e) {
            return Optional.of("must not point at a loopback, link-local, private or cluster address");
        } catch (UnknownHostException e) {
            return Optional.of("host does not resolve");
        }
        return Optional.empty();
    }

    /** The host's addresses, all of them allowed; otherwise {@link RefusedAddress}. */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = dns.resolve(h);
        if (addresses.length == 0 || Arrays.stream(addresses).anyMatch(this::refused)) {
            throw new RefusedAddress(h);
        }
        return addresses;
    }

    boolean refused(InetAddress a) {
        if (allowed.stream().anyMatch(c -> c.contains(a))) {
            return false;
        }
        return a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress() || SPECIAL.stream().anyMatch(c -> c.contains(a))
                || blocked.stream().anyMatch(c -> c.contains(a));
    }

    /** An address range in CIDR notation (IPv4 or IPv6). */
    record Cidr(byte[] network, int bits) {

        static Cidr parse(String s) {
            String[] parts = s.strip().split("/", 2);
            try {
                byte[] net = InetAddress.getByName(parts[0]).getAddress(); // a literal: no DNS lookup
                int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : net.length * 8;
                if (bits < 0 || bits > net.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in " + s);
                }
                return new Cidr(net, bits);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR range: " + s, e);
            }
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (b[full] & mask) == (network[full] & mask);
        }
    }
}
