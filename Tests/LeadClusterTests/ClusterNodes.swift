import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LeadCluster
import LeadTestSupport

/// Three dqlite-demo nodes on 127.0.0.1 (Debian's go-dqlite; `.ci/run` installs it), started for a test
/// and stopped with it.
final class ClusterNodes {
    static let demo = "/usr/bin/dqlite-demo"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: demo) }

    let dir = TemporaryDirectory()
    private(set) var addresses: [String] = []
    private var processes: [Process] = []
    private var arguments: [[String]] = []

    init(count: Int = 3) throws {
        let ports = try Self.freePorts(count * 2)
        for index in 0..<count {
            let address = "127.0.0.1:\(ports[index * 2])"
            let folder = dir.file("n\(index + 1)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.demo)
            process.arguments = ["-d", address, "-a", "127.0.0.1:\(ports[index * 2 + 1])", "-D", folder] + (index == 0 ? [] : ["--join", addresses[0]])
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            processes.append(process)
            arguments.append(["-d", address, "-a", "127.0.0.1:\(ports[index * 2 + 1])", "-D", folder])
            addresses.append(address)
            // (the first node must lead before the others join it)
            if index == 0 { try Self.waitForPort(address) }
        }
        for address in addresses { try Self.waitForPort(address) }
    }

    deinit { stop() }

    /// Kills the node at `index` with SIGKILL (no handover) and waits for it to be gone.
    func kill(_ index: Int) {
        Glibc.kill(processes[index].processIdentifier, SIGKILL)
        processes[index].waitUntilExit()
    }

    /// Starts the node at `index` again on its data (it rejoins by itself).
    func restart(_ index: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.demo)
        process.arguments = arguments[index]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        processes[index] = process
        try Self.waitForPort(addresses[index])
    }

    /// Waits until the cluster counts every node as a voter: a node that joins is promoted after a while,
    /// and with the leader killed before, the others cannot elect a new one.
    func waitForVoters(_ cluster: Cluster) throws {
        let deadline = Date().addingTimeInterval(60)
        while try cluster.nodes().filter({ $0.role == 0 }).count < addresses.count {
            guard Date() < deadline else { throw ClusterError.unreachable("the nodes were not all voters after 60 s") }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    func stop() {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
        processes = []
    }

    private static func waitForPort(_ address: String) throws {
        let port = UInt16(address.split(separator: ":").last!)!
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            close(fd)
            if connected == 0 { return }
            usleep(100_000)
        }
        throw NSError(domain: "ClusterNodes", code: 1, userInfo: [NSLocalizedDescriptionKey: "node \(address) did not start"])
    }

    /// Ports free now on 127.0.0.1 (bound to port 0 and let go).
    private static func freePorts(_ count: Int) throws -> [Int] {
        var ports: [Int] = []
        var sockets: [Int32] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = 0
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            var bound = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            ports.append(Int(UInt16(bigEndian: bound.sin_port)))
            sockets.append(fd)
        }
        for fd in sockets { close(fd) }
        return ports
    }
}
