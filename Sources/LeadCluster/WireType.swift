/// The value type codes of the wire protocol.
enum WireType {
    static let integer: UInt8 = 1
    static let float: UInt8 = 2
    static let text: UInt8 = 3
    static let blob: UInt8 = 4
    static let null: UInt8 = 5
    static let unixTime: UInt8 = 9
    static let iso8601: UInt8 = 10
    static let boolean: UInt8 = 11
}
