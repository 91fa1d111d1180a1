import Foundation

/// Who the client is when requests may arrive through reverse proxies.
///
/// Only proxies the operator listed are believed. `X-Forwarded-For` is read from the right:
/// each trusted proxy appended the address it saw, so the right-most address that is not a
/// trusted proxy is the first hop nobody trusted vouches beyond; anything to its left was
/// written by the client and may be forged.
public enum ForwardedClient {
    /// The client's address given the connecting peer, the `X-Forwarded-For` header values in
    /// the order received, and the trusted proxy networks.
    public static func address(peer: IPAddress, forwardedFor: [String], trustedProxies: [IPPrefix]) -> IPAddress {
        var current = unmapped(peer)
        guard isTrusted(current, trustedProxies) else { return current }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            // A hop that is not an address ends the chain: the last trusted proxy is all we know.
            guard let address = IPAddress(hop) else { return current }
            current = unmapped(address)
            if !isTrusted(current, trustedProxies) { return current }
        }
        return current
    }

    /// Parses `RENKEI_TRUSTED_PROXIES`: comma-separated CIDRs or single addresses.
    public static func parseTrustedProxies(_ text: String) throws(IPPrefix.ParseError) -> [IPPrefix] {
        try text.split(separator: ",").map { (part) throws(IPPrefix.ParseError) in try IPPrefix(parsing: String(part)) }
    }

    static func isTrusted(_ address: IPAddress, _ trusted: [IPPrefix]) -> Bool {
        trusted.contains { $0.contains(address) }
    }

    /// `::ffff:a.b.c.d` (what a dual-stack listener reports for IPv4 peers) as the IPv4 address.
    public static func unmapped(_ address: IPAddress) -> IPAddress {
        if case .v6(0, let low) = address, low >> 32 == 0xffff { return .v4(UInt32(truncatingIfNeeded: low)) }
        return address
    }
}
