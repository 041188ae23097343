// libFuzzer target: the CSV reader on any bytes, in each encoding (scripts/fuzz.sh builds and runs it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for encoding in [CSVReader.Encoding.utf8, .latin1, .cp1252] {
        let result = CSVReader.read(bytes, encoding: encoding)
        // Every record starts on a line that exists, and lines only go forward.
        var line = 0
        for record in result.records {
            precondition(record.line >= line && record.line >= 1)
            line = record.line
        }
    }
    return 0
}
