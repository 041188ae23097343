// libFuzzer target: the line editor's key decoder on any bytes, fed in two pieces (a terminal's bytes
// arrive in reads of any length) (scripts/fuzz.sh builds and runs it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = KeyDecoder()
    _ = whole.decode(bytes)
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var split = KeyDecoder()
    _ = split.decode(Array(bytes[..<cut]))
    _ = split.decode(Array(bytes[cut...]))
    return 0
}
