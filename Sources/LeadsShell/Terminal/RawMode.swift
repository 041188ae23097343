import Foundation

/// The terminal's raw mode, on while an entry is edited.
enum RawMode {
    static func enable(_ fd: Int32 = 0) -> termios? {
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { return nil }
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        raw.c_cc.16 = 1  // VMIN
        raw.c_cc.17 = 0  // VTIME
        guard tcsetattr(fd, TCSADRAIN, &raw) == 0 else { return nil }
        return original
    }

    static func restore(_ saved: termios, _ fd: Int32 = 0) {
        var saved = saved
        tcsetattr(fd, TCSADRAIN, &saved)
    }
}
