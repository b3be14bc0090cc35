import AppStatus
import ControlPlane
import Foundation
import Supervisor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The live board of a foreground `up` on a terminal (docs/supervisor.md#the-live-board): the
/// console sink, the runner's own output routed above it, and the task that feeds it.
struct BoardWiring: Sendable {
    let board: LiveBoard

    init(fileDescriptor: Int32 = STDOUT_FILENO) {
        board = LiveBoard(fileDescriptor: fileDescriptor)
    }

    /// The runner's lines (the dashboard's URL, warnings) written above the board, to the same
    /// descriptors as `.standard`.
    var output: RunnerOutput {
        let board = self.board
        return RunnerOutput(
            out: { board.write(Array($0.utf8)) },
            error: { text in board.write(Array((text.hasSuffix("\n") ? text : text + "\n").utf8), to: STDERR_FILENO) })
    }

    /// Feeds the board the app's status at every change (and once a second, for a change between
    /// a snapshot and the wait), and redraws it when the window is resized; until cancelled.
    func run(control: SupervisorControl, supervisor: Supervisor) async {
        let board = self.board
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in UnixSignals(UnixSignal(rawValue: SIGWINCH)) { board.refresh() }
            }
            group.addTask {
                while !Task.isCancelled {
                    let status = await control.status()
                    let mask = await supervisor.secretMasker()
                    board.update(
                        BoardView.lines(status.resources, app: status.app, shuttingDown: status.shuttingDown, mask: mask))
                    await withTaskGroup(of: Void.self) { wait in
                        wait.addTask { await supervisor.waitForChange() }
                        wait.addTask { try? await Task.sleep(for: .seconds(1)) }
                        await wait.next()
                        wait.cancelAll()
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
