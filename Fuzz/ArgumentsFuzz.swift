// libFuzzer target: the shell's argument splitter on any text (scripts/fuzz.sh builds and runs it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let (words, offsets) = splitArguments(line)
    // Each word has the column it starts at, in order, within the line's width.
    precondition(words.count == offsets.count)
    precondition(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 })  // (zero-width characters share a column)
    let width = displayWidth(line)
    precondition(offsets.allSatisfy { $0 >= 0 && $0 <= width })
    return 0
}
