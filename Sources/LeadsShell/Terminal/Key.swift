import Foundation

/// A key, decoded from the bytes a terminal sends.
enum Key: Equatable {
    case character(Character)
    case enter
    case backspace
    case delete
    case left, right, up, down
    case home, end
    case wordLeft, wordRight
    case tab
    case control(Character)  // Ctrl-A ... Ctrl-Z, as the letter
    case escape
}
