import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to a dqlite node: the handshake, then one request and its responses at a time.
/// TCP_NODELAY is on and each message goes out in one write (header and body together), so no
/// request waits for a delayed acknowledgement (about 44 ms each otherwise). The other way, a node
/// sends a long result in several messages, each waiting for the acknowledgement of the one before
/// (Nagle's algorithm on the node's side): TCP_QUICKACK, set again after each read (Linux clears it),
/// acknowledges at once, so a result of many batches does not wait 40 ms per batch.
final class ClusterConnection {
    let address: String
    private let socket: Int32

    /// Connects to `host:port` and sends the protocol version. Reads and writes give up after `timeout`
    /// (see ``waitForAnswers(upTo:)``). A peer that stops answering altogether (its machine gone, the
    /// network cut) is noticed by TCP keepalive probes within about 5 s of silence, however long an
    /// answer may take.
    init(address: String, timeout: TimeInterval) throws {
        self.address = address
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw ClusterError.unreachable("\(address) is not HOST:PORT")
        }
        let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
            throw ClusterError.unreachable("\(address): no such host")
        }
        defer { freeaddrinfo(found) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        var lastError = "no address"
        while let info = candidate {
            let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                var on: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
                for (option, value) in [(TCP_KEEPIDLE, 2), (TCP_KEEPINTVL, 1), (TCP_KEEPCNT, 3), (TCP_USER_TIMEOUT, 5_000)] {
                    var value = Int32(value)
                    setsockopt(fd, Int32(IPPROTO_TCP), Int32(option), &value, socklen_t(MemoryLayout<Int32>.size))
                }
                if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    socket = fd
                    var version = WireWriter()
                    version.uint64(1)
                    try write(version.bytes)
                    return
                }
                lastError = String(cString: strerror(errno))
                close(fd)
            }
            candidate = info.pointee.ai_next
        }
        throw ClusterError.unreachable("\(address): \(lastError)")
    }

    deinit { close(socket) }

    /// How long a read waits for the node: a statement may run long (a report, an import's chunk),
    /// while a node that is gone is noticed by keepalive.
    func waitForAnswers(upTo timeout: TimeInterval) {
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends one request: the header (body size in words, type, schema 0) and the body, in one write.
    func send(type: UInt8, body: [UInt8]) throws {
        precondition(body.count % 8 == 0)
        var message = WireWriter()
        message.uint32(UInt32(body.count / 8))
        var header = message.bytes
        header.append(contentsOf: [type, 0, 0, 0])
        try write(header + body)
    }

    /// Reads one response: its type and body.
    func receive() throws -> (type: UInt8, body: [UInt8]) {
        let header = try read(8)
        let words = UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24
        return (header[4], try read(Int(words) * 8))
    }

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClusterError.unreachable("\(address): \(String(cString: strerror(errno)))")
            }
            sent += n
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            var on: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_QUICKACK, &on, socklen_t(MemoryLayout<Int32>.size))
            let n = bytes[received...].withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress, $0.count, 0) }
            if n == 0 { throw ClusterError.unreachable("\(address) closed the connection") }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClusterError.unreachable("\(address): \(errno == EAGAIN ? "no answer in time" : String(cString: strerror(errno)))")
            }
            received += n
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_QUICKACK, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        return bytes
    }
}
