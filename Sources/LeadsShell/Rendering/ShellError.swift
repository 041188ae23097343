import Foundation

/// An error the shell reports as is: a message a person can act on.
public struct ShellError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
