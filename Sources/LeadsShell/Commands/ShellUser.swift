import Foundation

/// Who is at the shell, as a lead's history names them: `shell (ana)`, or `shell` without a user.
func shellUser() -> String {
    let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
    return user.map { "shell (\($0))" } ?? "shell"
}
