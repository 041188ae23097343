/// The trace handler of a connection, kept alive while SQLite holds a pointer to it.

final class TraceBox {
    let handler: (String) -> Void
    init(_ handler: @escaping (String) -> Void) { self.handler = handler }
}
