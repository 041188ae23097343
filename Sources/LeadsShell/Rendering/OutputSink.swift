import Foundation

/// Where the shell writes. Everything the shell prints goes through one of these, so tests can capture
/// the exact text (as sqlite3's `.testcase` does).
public protocol OutputSink: AnyObject {
    func write(_ text: String)
}
