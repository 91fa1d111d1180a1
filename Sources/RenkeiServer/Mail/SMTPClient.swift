import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Why a submission failed: `transient` is worth retrying later (4xx reply, connection refused/reset, timeout,
/// TLS handshake failure); `permanent` is not (5xx reply, relay lacks STARTTLS when required, auth rejected 535, AUTH
/// needed but no mechanism we support).
enum SMTPFailure: Error, Equatable, CustomStringConvertible {
    case transient(String)
    case permanent(String)

    var description: String {
        switch self {
        case .transient(let message), .permanent(let message): message
        }
    }
}

/// One SMTP session with the relay: connect, greet, (STARTTLS), (AUTH), then any number of transactions, then QUIT.
/// Calls on one session take turns: every reply answers the command before it, so two conversations cannot interleave.
actor SMTPSession {
    private let connection: SMTPConnection
    private let extensions: SMTPExtensions
    private var busy = false
    private var waitingForTurn: [CheckedContinuation<Void, Never>] = []

    private init(connection: SMTPConnection, extensions: SMTPExtensions) {
        self.connection = connection
        self.extensions = extensions
    }

    /// A session dropped without `close()` must not keep its socket open.
    deinit { connection.channel.close(promise: nil) }

    nonisolated var isOpen: Bool { connection.channel.isActive }

    static func open(_ relay: SMTPRelay, heloName: String, on group: any EventLoopGroup) async throws(SMTPFailure)
        -> SMTPSession {
        let name = "\(relay.host):\(relay.port)"
        // Checked here because NIO traps on a port outside 0...65535 and an EHLO name with a space or CRLF would
        // corrupt the command stream.
        guard (1...65535).contains(relay.port) else { throw .permanent("the relay port \(relay.port) is not a TCP port") }
        guard !heloName.isEmpty, heloName.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .permanent("\"\(heloName)\" cannot be sent as the EHLO name")
        }
        let tls = relay.security == .none ? nil : try SMTPTLS(relay)
        let eventLoop = group.next()
        guard let bootstrap = ClientBootstrap(validatingGroup: eventLoop) else {
            throw .permanent("SMTP needs a NIOPosix event loop group")
        }
        let timeout = SMTPConnection.timeAmount(relay.timeout)
        // The greeting may arrive as soon as the connection is up, so its promise waits in the handler from the start.
        let greeting = eventLoop.makePromise(of: SMTPReply.self)
        let connecting = bootstrap.connectTimeout(timeout).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                if relay.security == .implicitTLS, let tls { try pipeline.addHandler(tls.makeHandler()) }
                try pipeline.addHandler(SMTPClientHandler(relay: name, greeting: greeting))
            }
        }.connect(host: relay.host, port: relay.port)

        let channel: any Channel
        do {
            channel = try await connecting.get()
        } catch {
            let failure: SMTPFailure =
                if case ChannelError.connectTimeout = error { .transient("connecting to \(name) timed out") }
                else { .transient("cannot connect to \(name): \(error)") }
            greeting.fail(failure)
            throw failure
        }
        let connection = SMTPConnection(channel: channel, relay: name, timeout: timeout)
        do throws(SMTPFailure) {
            let extensions = try await connection.handshake(relay, heloName: heloName, greeting: greeting, tls: tls)
            return SMTPSession(connection: connection, extensions: extensions)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Submits one message for one or more recipients; returns when the relay accepted the end of DATA (250).
    /// A RCPT refused with 5xx is permanent; any 4xx transient. After a failed transaction the session sends RSET
    /// and stays usable if the connection is still up (a closed connection → later calls throw transient).
    func send(from sender: String, to recipients: [String], message: [UInt8]) async throws(SMTPFailure) {
        await takeTurn()
        defer { endTurn() }
        guard !recipients.isEmpty else { throw .permanent("a message needs at least one recipient") }
        // A CR, LF or angle bracket in an address would let it rewrite the envelope.
        let unsafe: (UInt8) -> Bool = { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
        for address in [sender] + recipients where address.utf8.contains(where: unsafe) {
            throw .permanent("\"\(address)\" cannot be used as an SMTP address")
        }
        let data = try SMTPData(message)
        if let limit = extensions.sizeLimit, limit > 0, data.size > limit {
            throw .permanent("the message has \(data.size) octets; \(connection.relay) accepts at most \(limit)")
        }
        guard isOpen else { throw .transient("the connection to \(connection.relay) is closed") }
        do throws(SMTPFailure) {
            try await transact(from: sender, to: recipients, data)
        } catch {
            // RFC 5321 §4.1.1.5: RSET discards the failed transaction so the session can carry the next one.
            if isOpen { _ = try? await connection.command("RSET", for: "RSET") }
            throw error
        }
    }

    func close() async {
        await takeTurn()
        defer { endTurn() }
        if isOpen { _ = try? await connection.command("QUIT", for: "QUIT") }
        try? await connection.channel.close()
    }

    private func transact(from sender: String, to recipients: [String], _ data: SMTPData) async throws(SMTPFailure) {
        let mail = "MAIL FROM:<\(sender)>"
        let steps: [(line: String, what: String)] =
            [(extensions.sizeLimit == nil ? mail : "\(mail) SIZE=\(data.size)", mail)]
            + recipients.map { ("RCPT TO:<\($0)>", "RCPT TO:<\($0)>") }
            + [("DATA", "DATA")]
        // MAIL and RCPT want 2xx; DATA wants 354 ("start mail input").
        func accepted(_ what: String, _ reply: SMTPReply) -> Bool { what == "DATA" ? reply.code == 354 : reply.code / 100 == 2 }

        if extensions.pipelining {
            // RFC 2920: the whole envelope in one flush, then every reply in order, reporting the first refusal.
            let replies = connection.write(steps.map { SMTPConnection.line($0.line) })
            var refusal: SMTPFailure?
            var last: SMTPReply?
            for (promise, step) in zip(replies, steps) {
                let reply = try await connection.reply(promise, to: step.what)
                if refusal == nil, !accepted(step.what, reply) { refusal = connection.refused(step.what, reply) }
                last = reply
            }
            if let refusal {
                // The relay took DATA although part of the envelope failed. Sending the message would deliver it to
                // some recipients and a retry would duplicate it; only dropping the connection aborts mail input.
                if last?.code == 354 { try? await connection.channel.close() }
                throw refusal
            }
        } else {
            for step in steps {
                let reply = try await connection.command(step.line, for: step.what)
                guard accepted(step.what, reply) else { throw connection.refused(step.what, reply) }
            }
        }
        // Relays scan the message (spam, viruses) before answering, hence the longer wait.
        let sent = connection.write(ByteBuffer(bytes: data.bytes))
        let reply = try await connection.reply(sent, to: "the message", within: connection.dataTimeout)
        guard reply.code / 100 == 2 else { throw connection.refused("the message", reply) }
    }

    private func takeTurn() async {
        if busy {
            await withCheckedContinuation { waitingForTurn.append($0) }
        } else {
            busy = true
        }
    }

    /// Hands the turn straight to the next caller, so `busy` stays set while anyone waits.
    private func endTurn() {
        if waitingForTurn.isEmpty { busy = false } else { waitingForTurn.removeFirst().resume() }
    }
}

/// The channel plus the command/reply primitives every step of a session uses.
private struct SMTPConnection: Sendable {
    let channel: any Channel
    /// "host:port", for messages.
    let relay: String
    let timeout: TimeAmount
    var dataTimeout: TimeAmount { .nanoseconds(timeout.nanoseconds * 4) }

    /// Clamped because the configured value can be anything and NIO's conversion to nanoseconds would trap on overflow.
    static func timeAmount(_ seconds: Double) -> TimeAmount {
        guard seconds.isFinite, seconds > 0 else { return .seconds(30) }
        return .nanoseconds(Int64(min(seconds, 86_400) * 1_000_000_000))
    }

    static func line(_ text: String) -> ByteBuffer { ByteBuffer(string: text + "\r\n") }

    /// Writes the commands with one flush; each returned promise gets the reply to its command.
    func write(_ commands: [ByteBuffer]) -> [EventLoopPromise<SMTPReply>] {
        let replies = commands.map { enqueue($0, startTLS: nil) }
        channel.flush()
        return replies
    }

    func write(_ command: ByteBuffer, startTLS: SMTPTLS? = nil) -> EventLoopPromise<SMTPReply> {
        let reply = enqueue(command, startTLS: startTLS)
        channel.flush()
        return reply
    }

    private func enqueue(_ bytes: ByteBuffer, startTLS: SMTPTLS?) -> EventLoopPromise<SMTPReply> {
        let relay = relay
        let reply = channel.eventLoop.makePromise(of: SMTPReply.self)
        channel.write(SMTPCommand(bytes: bytes, reply: reply, startTLS: startTLS)).whenFailure { error in
            // A write that never reached the handler (closed channel) leaves nobody else to answer the promise.
            reply.fail(SMTPFailure.transient("cannot write to \(relay): \(error)"))
        }
        return reply
    }

    /// Waits for one reply. A relay that stays silent is cut off: its next reply could no longer be matched up.
    func reply(_ promise: EventLoopPromise<SMTPReply>, to what: String, within limit: TimeAmount? = nil)
        async throws(SMTPFailure) -> SMTPReply {
        let channel = channel
        let message = "waiting for \(relay) to answer \(what) timed out"
        let timer = channel.eventLoop.scheduleTask(in: limit ?? timeout) {
            promise.fail(SMTPFailure.transient(message))
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await promise.futureResult.get()
        } catch let failure as SMTPFailure {
            throw failure
        } catch {
            throw .transient("\(relay): \(error)")
        }
    }

    /// `what` names the command in messages; it is separate from `line` so that credentials never reach a message.
    func command(_ line: String, for what: String, startTLS: SMTPTLS? = nil) async throws(SMTPFailure) -> SMTPReply {
        try await reply(write(Self.line(line), startTLS: startTLS), to: what)
    }

    func refused(_ what: String, _ reply: SMTPReply) -> SMTPFailure {
        let message = "\(relay) refused \(what): \(reply)"
        return reply.code / 100 == 4 ? .transient(message) : .permanent(message)
    }

    func handshake(_ relay: SMTPRelay, heloName: String, greeting: EventLoopPromise<SMTPReply>, tls: SMTPTLS?)
        async throws(SMTPFailure) -> SMTPExtensions {
        let welcome = try await reply(greeting, to: "the connection")
        guard welcome.code == 220 else { throw refused("the session", welcome) }
        var extensions = try await hello(heloName)
        if relay.security == .startTLS, let tls {
            guard extensions.startTLS else {
                throw .permanent(
                    "the relay \(relay.host) does not offer STARTTLS; refusing to submit mail and credentials unencrypted "
                        + "(set SMTP_TLS=off only for a loopback relay)")
            }
            let ready = try await command("STARTTLS", for: "STARTTLS", startTLS: tls)
            guard ready.code == 220 else { throw refused("STARTTLS", ready) }
            // RFC 3207 §4.2: what the relay said before encryption is void; ask again.
            extensions = try await hello(heloName)
        }
        if let username = relay.username {
            try await authenticate(username, relay.password ?? "", offered: extensions.authMechanisms)
        }
        return extensions
    }

    private func hello(_ name: String) async throws(SMTPFailure) -> SMTPExtensions {
        let ehlo = try await command("EHLO \(name)", for: "EHLO")
        if ehlo.code / 100 == 2 { return SMTPExtensions(ehlo: ehlo) }
        guard ehlo.code / 100 == 5 else { throw refused("EHLO", ehlo) }
        // A relay that predates ESMTP: plain HELO, no extensions.
        let helo = try await command("HELO \(name)", for: "HELO")
        guard helo.code / 100 == 2 else { throw refused("HELO", helo) }
        return SMTPExtensions()
    }

    /// RFC 4954 with PLAIN (RFC 4616) or else LOGIN, the two every submission server offers.
    private func authenticate(_ username: String, _ password: String, offered: Set<String>) async throws(SMTPFailure) {
        let base64 = { (bytes: [UInt8]) in Data(bytes).base64EncodedString() }
        var reply: SMTPReply
        if offered.contains("PLAIN") {
            let credentials = [0] + Array(username.utf8) + [0] + Array(password.utf8)
            reply = try await command("AUTH PLAIN \(base64(credentials))", for: "AUTH PLAIN")
        } else if offered.contains("LOGIN") {
            reply = try await command("AUTH LOGIN", for: "AUTH LOGIN")
            for secret in [username, password] where reply.code == 334 {
                reply = try await command(base64(Array(secret.utf8)), for: "AUTH LOGIN")
            }
        } else {
            throw .permanent("\(self.relay) offers no AUTH mechanism Renkei supports (PLAIN or LOGIN)")
        }
        guard reply.code == 235 else {
            let message = "the relay \(self.relay) refused the credentials: \(reply)"
            throw reply.code / 100 == 4 ? .transient(message) : .permanent(message)
        }
    }
}

/// TLS towards the relay: the system's CAs or SMTP_CA_FILE, with certificate verification left on.
private struct SMTPTLS: Sendable {
    let context: NIOSSLContext
    /// nil for an IP literal: SNI cannot carry one (RFC 6066 §3), and NIOSSL then checks the address against the
    /// certificate's IP SANs.
    let serverHostname: String?

    init(_ relay: SMTPRelay) throws(SMTPFailure) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = relay.trustRootsFile { configuration.trustRoots = .file(file) }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .permanent("cannot set up TLS for \(relay.host) (check SMTP_CA_FILE): \(error)")
        }
        serverHostname = (try? SocketAddress(ipAddress: relay.host, port: 0)) == nil ? relay.host : nil
    }

    func makeHandler() throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
    }
}

/// What EHLO announced (RFC 5321 §4.1.1.1: one keyword and its parameters per line after the first).
private struct SMTPExtensions: Sendable {
    var startTLS = false
    var pipelining = false
    var authMechanisms: Set<String> = []
    /// nil: no SIZE extension; 0: SIZE without a limit (RFC 1870).
    var sizeLimit: Int?

    init() {}

    init(ehlo: SMTPReply) {
        for line in ehlo.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "PIPELINING": pipelining = true
            case "SIZE": sizeLimit = max(0, words.dropFirst().first.flatMap { Int($0) } ?? 0)
            case "AUTH": authMechanisms.formUnion(words.dropFirst())
            // The pre-standard "AUTH=LOGIN PLAIN" some relays still announce.
            case _ where keyword.hasPrefix("AUTH="):
                authMechanisms.formUnion([String(keyword.dropFirst(5))] + words.dropFirst())
            default: break
            }
        }
    }
}

/// The DATA content (RFC 5321 §4.5.2): CRLF line ends, dot-stuffed, ended by a line holding only ".".
private struct SMTPData {
    /// What follows the 354, terminator included.
    let bytes: [UInt8]
    /// The message as the relay stores it, for SIZE (RFC 1870).
    let size: Int

    init(_ message: [UInt8]) throws(SMTPFailure) {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(message.count + message.count / 32 + 5)
        var lineLength = 0
        var index = message.startIndex
        while index < message.endIndex {
            let byte = message[index]
            index += 1
            if byte == cr || byte == lf {
                // CRLF, a bare CR and a bare LF all end one line.
                if byte == cr, index < message.endIndex, message[index] == lf { index += 1 }
                bytes += [cr, lf]
                lineLength = 0
                continue
            }
            if lineLength == 0, byte == dot { bytes.append(dot) }
            lineLength += 1
            // RFC 5321 §4.5.3.1.6, which does not count the stuffed dot.
            guard lineLength <= 998 else { throw .permanent("the message has a line longer than 998 octets") }
            bytes.append(byte)
        }
        // Also for an empty message, so that the terminator never follows the DATA command directly.
        if bytes.last != lf { bytes += [cr, lf] }
        size = bytes.count
        bytes += [dot, cr, lf]
        self.bytes = bytes
    }
}

private struct SMTPReply: Sendable, CustomStringConvertible {
    var code: Int
    var lines: [String]

    var description: String { "\(code) \(lines.joined(separator: " "))" }
}

/// Frames replies (RFC 5321 §4.2): "250-text" continues, "250 text" or a bare "250" ends; CRLF or a bare LF.
private struct SMTPReplyParser {
    struct Malformed: Error, CustomStringConvertible { let description: String }

    private var buffer = ByteBuffer()
    private var lines: [String] = []

    /// True between replies with nothing unread: the only moment TLS may start.
    var isIdle: Bool { buffer.readableBytes == 0 && lines.isEmpty }

    mutating func append(_ bytes: inout ByteBuffer) {
        buffer.discardReadBytes()
        buffer.writeBuffer(&bytes)
    }

    mutating func next() throws(Malformed) -> SMTPReply? {
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            var line = buffer.readBytes(length: newline - buffer.readerIndex) ?? []
            buffer.moveReaderIndex(forwardBy: 1)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
            guard line.count >= 3, (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(line[0]), line[1...2].allSatisfy(digits.contains),
                  line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
            else { throw Malformed(description: "not a reply line: \(String(decoding: line.prefix(80), as: UTF8.self))") }
            lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
            if line.count == 3 || line[3] == UInt8(ascii: " ") {
                let code = line.prefix(3).reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
                defer { lines = [] }
                return SMTPReply(code: code, lines: lines)
            }
            guard lines.count < 1000 else { throw Malformed(description: "a reply of more than 1000 lines") }
        }
        // RFC 5321 §4.5.3.1.5 allows 512 octets; anything far beyond is not SMTP and must not fill memory.
        guard buffer.readableBytes <= 8192 else { throw Malformed(description: "a reply line longer than 8192 octets") }
        return nil
    }
}

/// A command on its way to the relay, with the promise its reply fulfils.
private struct SMTPCommand: Sendable {
    var bytes: ByteBuffer
    var reply: EventLoopPromise<SMTPReply>
    /// Set for STARTTLS: on its 220 the handler puts TLS in front before reading anything else.
    var startTLS: SMTPTLS?
}

/// Hands each reply to the oldest waiting command, since SMTP answers in command order (RFC 5321 §4.3, RFC 2920).
/// Once the connection fails, every waiting and every later command gets the same transient failure.
private final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = SMTPCommand
    typealias OutboundOut = ByteBuffer

    private let relay: String
    private var parser = SMTPReplyParser()
    private var waiting: CircularBuffer<(reply: EventLoopPromise<SMTPReply>, startTLS: SMTPTLS?)>
    private var failure: SMTPFailure?

    init(relay: String, greeting: EventLoopPromise<SMTPReply>) {
        self.relay = relay
        waiting = [(greeting, nil)]
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        if let failure {
            command.reply.fail(failure)
            promise?.fail(failure)
            return
        }
        waiting.append((command.reply, command.startTLS))
        context.write(wrapOutboundOut(command.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        parser.append(&bytes)
        do {
            while let reply = try parser.next() {
                // Peeked, not popped: if this throws, the waiter stays queued and fails with the others.
                guard let waiter = waiting.first else {
                    throw SMTPReplyParser.Malformed(description: "a reply to no command: \(reply)")
                }
                if let tls = waiter.startTLS, reply.code == 220 {
                    // Anything after the 220 came unencrypted and may have been injected (RFC 3207 §6).
                    guard parser.isIdle else {
                        throw SMTPReplyParser.Malformed(description: "unencrypted data after the STARTTLS reply")
                    }
                    try context.pipeline.syncOperations.addHandler(tls.makeHandler(), position: .first)
                }
                waiting.removeFirst().reply.succeed(reply)
            }
        } catch {
            fail(context, .transient("\(relay) broke the SMTP protocol: \(error)"))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, .transient("the connection to \(relay) failed: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.transient("\(relay) closed the connection"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(.transient("the connection to \(relay) is closed"))
    }

    private func fail(_ context: ChannelHandlerContext, _ failure: SMTPFailure) {
        failAll(failure)
        context.close(promise: nil)
    }

    /// Keeps the first cause: the error that broke the connection says more than the close that followed.
    private func failAll(_ failure: SMTPFailure) {
        let failure = self.failure ?? failure
        self.failure = failure
        while let waiter = waiting.popFirst() { waiter.reply.fail(failure) }
    }
}
