import CProcessShim
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `up`'s live board on a terminal: a few lines at the bottom (every resource's state, health,
/// restarts and URL) redrawn in place, with the console's lines scrolling above them
/// (docs/supervisor.md#the-live-board).
///
/// It is the console sink of the run: every batch of lines erases the board (the cursor is
/// parked at the start of its first line: clear to the end of the screen), writes the lines where
/// the board was and draws the board again below them. Erase-and-redraw (rather than a scroll region) keeps the lines in
/// the terminal's scrollback. The board's lines are cut to the terminal's width minus one, so
/// they never wrap; the width is asked (TIOCGWINSZ) at every redraw. Redraws are coalesced to
/// at most ten a second: a flood of output draws the board at most that often, and it comes back
/// at once when the flood stops. `finish()` erases it for good.
///
/// Everything happens on one serial queue: the console writer's batches (which block there, not
/// on the cooperative pool, when the terminal stops reading), model updates and redraws.
package final class LiveBoard: ConsoleSink {
    private struct State {
        var lines: [BoardLine] = []
        /// The display width of each board line on screen now, and the columns it was drawn at.
        var drawn: [Int] = []
        var drawnColumns = 0
        var lastDraw: ContinuousClock.Instant?
        var redrawPending = false
        var finished = false
    }

    private let fileDescriptor: Int32
    private let queue = DispatchQueue(label: "aspire.board")
    private let state = Locked(State())
    private let minimumInterval: Duration

    /// Creates a board on `fileDescriptor` (a terminal); nothing is drawn before `update`.
    ///
    /// - Parameter minimumInterval: the shortest time between two redraws (100 ms: ten a second).
    package init(fileDescriptor: Int32 = STDOUT_FILENO, minimumInterval: Duration = .milliseconds(100)) {
        self.fileDescriptor = fileDescriptor
        self.minimumInterval = minimumInterval
    }

    /// The terminal's rows and columns (24×80 when it cannot be asked).
    package static func terminalSize(of fileDescriptor: Int32) -> (rows: Int, columns: Int) {
        var rows: Int32 = 0
        var columns: Int32 = 0
        guard aspire_terminal_size(fileDescriptor, &rows, &columns) == 0, rows > 0, columns > 0 else { return (24, 80) }
        return (Int(rows), Int(columns))
    }

    /// Writes whole lines above the board (the console writer's batches).
    package func write(_ bytes: [UInt8]) {
        queue.sync { writeAbove(bytes, to: fileDescriptor) }
    }

    /// Writes text above the board to another descriptor of the same terminal (standard error).
    package func write(_ bytes: [UInt8], to descriptor: Int32) {
        queue.sync { writeAbove(bytes, to: descriptor) }
    }

    /// Replaces what the board shows; drawn within `minimumInterval`.
    package func update(_ lines: [BoardLine]) {
        queue.async { [self] in
            let changed = state.withLock { state in
                defer { state.lines = lines }
                return state.lines != lines || state.drawnColumns != Self.terminalSize(of: fileDescriptor).columns
            }
            if changed { scheduleRedraw() }
        }
    }

    /// Redraws at once when the terminal's size changed (SIGWINCH).
    package func refresh() {
        queue.async { [self] in scheduleRedraw() }
    }

    /// Erases the board for good and leaves the cursor where its first line was; later lines
    /// are written plainly. Returns once done.
    package func finish() {
        queue.sync { [self] in
            let bytes = state.withLock { state -> [UInt8] in
                defer {
                    state.drawn = []
                    state.finished = true
                }
                return Self.erase(state)
            }
            emit(bytes, to: fileDescriptor)
        }
    }

    // MARK: - On the queue

    private func writeAbove(_ bytes: [UInt8], to descriptor: Int32) {
        let now = ContinuousClock.now
        var output: [UInt8] = []
        var redrawNow = false
        state.withLock { state in
            output = Self.erase(state)
            state.drawn = []
            guard !state.finished else { return }
            // Drawn again right away unless it was drawn less than `minimumInterval` ago.
            redrawNow = state.lastDraw.map { $0.duration(to: now) >= minimumInterval } ?? true
        }
        if descriptor == fileDescriptor {
            emit(output + bytes, to: descriptor)
        } else {
            emit(output, to: fileDescriptor)
            emit(bytes, to: descriptor)
        }
        if redrawNow { redraw() } else { scheduleRedraw() }
    }

    private func scheduleRedraw() {
        let delay: Duration? = state.withLock { state in
            guard !state.finished, !state.redrawPending else { return nil }
            state.redrawPending = true
            guard let last = state.lastDraw else { return .zero }
            let since = last.duration(to: .now)
            return since >= minimumInterval ? .zero : minimumInterval - since
        }
        guard let delay else { return }
        let (seconds, attoseconds) = delay.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [self] in
            state.withLock { $0.redrawPending = false }
            redraw()
        }
    }

    private func redraw() {
        let size = Self.terminalSize(of: fileDescriptor)
        let bytes = state.withLock { state -> [UInt8] in
            guard !state.finished else { return [] }
            var bytes = Self.erase(state)
            let fitted = BoardLine.fit(state.lines, columns: size.columns - 1, maxLines: Self.maxLines(rows: size.rows))
            bytes += Array("\u{1B}[0m".utf8)
            for (index, line) in fitted.enumerated() {
                if index > 0 { bytes.append(0x0A) }
                bytes += line.rendered
            }
            // Park the cursor at the start of the board's first line: the next batch is written
            // there. Nothing is at the end of a line to wrap (the `^C` a terminal echoes), and a
            // terminal that rewraps its lines when it gets narrower keeps the cursor on that line.
            bytes += Array((fitted.count > 1 ? "\r\u{1B}[\(fitted.count - 1)A" : "\r").utf8)
            state.drawn = fitted.map(\.width)
            state.drawnColumns = size.columns
            state.lastDraw = .now
            return bytes
        }
        emit(bytes, to: fileDescriptor)
    }

    /// At most half the screen, and at least four lines (a title, a header, a row, "+N more").
    static func maxLines(rows: Int) -> Int {
        max(4, min(rows / 2, 30))
    }

    /// The bytes that erase the board drawn now: clear from its first line, where the cursor is
    /// parked, to the end of the screen.
    private static func erase(_ state: State) -> [UInt8] {
        state.drawn.isEmpty ? [] : Array("\r\u{1B}[J".utf8)
    }

    private func emit(_ bytes: [UInt8], to descriptor: Int32) {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { _ = Syscalls.writeAll(descriptor, $0) }
    }
}
