/// A command argument that is wrong: which one and why. The REPL prints the message, a caret under
/// the argument and (for a word the command itself refused) the command's usage line.
struct UsageError: Error {
    /// Index of the offending argument, or nil when the count is wrong.
    let argument: Int?
    let message: String
    /// False for a value the database refused: the command was used right, the value was wrong.
    var showsUsage = true
}
