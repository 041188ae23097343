/// How `.import` runs: the file's encoding, and where rejected rows go.
struct ImportOptions {
    var encoding: CSVReader.Encoding = .utf8
    /// nil: beside the input (`NAME.rejects.csv`); "" or `--no-rejects`: none.
    var rejects: String?
}
