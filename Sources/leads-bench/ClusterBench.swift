import Foundation
import LeadCluster
import LeadDB

/// LeadDB on a dqlite cluster against LeadDB on a local file, the same work in one run:
///
///     scripts/cluster.sh start /tmp/bench-cluster
///     swift run -c release leads-bench --cluster 127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003
///
/// Each measurement runs on a new database of each: captures one per transaction (each a commit,
/// which a cluster replicates to a majority before it answers), captures in chunks (one commit per
/// chunk), and reads by the Swift API. The ratio is the cluster's speed over the file's.
func clusterBench(addresses: [String], dir: String) throws {
    let name = "bench\(getpid())"
    let file = try LeadStore(path: dir + "/cluster-file.db")
    let cluster = try LeadStore(remote: Cluster(addresses: addresses, database: name))
    print("LeadDB on a dqlite cluster (\(addresses.joined(separator: ",")), database \(name)) against a local file")
    for store in [file, cluster] {
        try store.write { db in try db.execute("INSERT INTO reps(name, capacity) VALUES ('Ana', 100000), ('Ben', 100000)") }
    }
    func lead(_ i: Int, _ prefix: String) -> NewLead {
        let row = Generator.row(i)
        return NewLead(
            email: "\(prefix)\(row[0])", firstName: row[1] as? String, lastName: row[2] as? String, company: row[4] as? String,
            title: row[5] as? String, source: row[9] as? String)
    }
    func compare(_ what: String, count: Int, unit: String, _ body: (LeadStore, String) throws -> Void) throws {
        let onFile = try seconds { try body(file, "f") }
        let onCluster = try seconds { try body(cluster, "c") }
        print(String(
            format: "%-44@ file %9.3f ms   cluster %9.3f ms   cluster/file speed %5.1f%%",
            "\(what) (\(count) \(unit))" as NSString, onFile * 1000 / Double(count), onCluster * 1000 / Double(count), onFile / onCluster * 100))
    }
    let single = 300
    try compare("capture, one per transaction", count: single, unit: "captures, per capture") { store, prefix in
        for i in 0..<single { try store.capture(lead(i, "one-" + prefix)) }
    }
    let batched = 5_000
    try compare("capture, 500 per transaction", count: batched, unit: "captures, per capture") { store, prefix in
        _ = try store.captureMany((0..<batched).map { lead($0, "many-" + prefix) }, chunkSize: 500)
    }
    let reads = 500
    try compare("read one lead by id", count: reads, unit: "reads, per read") { store, _ in
        for i in 0..<reads { _ = try store.lead(id: Int64(1 + i % 5_000)) }
    }
    try compare("hot leads, 50 rows", count: 100, unit: "reads, per read") { store, _ in
        for _ in 0..<100 { _ = try store.hotLeads(limit: 50) }
    }
    try compare("funnel", count: 100, unit: "reads, per read") { store, _ in
        for _ in 0..<100 { _ = try store.funnel() }
    }
}
