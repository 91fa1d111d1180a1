import RenkeiCore
import Vapor

extension Request {
    /// The client's address as text: the connecting peer, or, when that peer is a proxy listed in
    /// `RENKEI_TRUSTED_PROXIES`, the right-most untrusted address of `X-Forwarded-For`. Every
    /// throttle, rate limit and audit line uses this one accessor.
    var clientAddress: String? {
        clientIPAddress?.description ?? remoteAddress?.ipAddress
    }

    /// The client's address, parsed; nil when the connection has no IP peer (in-process tests).
    var clientIPAddress: IPAddress? {
        guard let peer = peerIPAddress else { return nil }
        let trusted = application.renkei.settings.trustedProxies
        if trusted.isEmpty { return peer }
        return ForwardedClient.address(peer: peer, forwardedFor: headers[.xForwardedFor], trustedProxies: trusted)
    }

    /// The connecting peer itself, never a forwarded claim: for decisions such as "loopback only".
    var peerIPAddress: IPAddress? {
        remoteAddress?.ipAddress.flatMap(IPAddress.init).map(ForwardedClient.unmapped)
    }
}
