package import AppModel
import Foundation
package import YAMLSource

/// Loads a large YAML manifest on every core, with the result of the plain path
/// (`ManifestDecoder.decode`, then `Validator.validate`, on one thread): the same manifest and
/// the same diagnostics in the same order.
///
/// The file is cut between its `resources:` entries (`YAMLSplit`); the parts are parsed and
/// decoded at once and joined only when they provably are the file (else the file is decoded
/// whole); then validation's per-resource rules run on slices at once. The CLI hands
/// `decodeAndValidate` to `ManifestLoader`; without this target the loader takes the plain path.
package struct ParallelLoad: Sendable {
    /// At most this many parts (and threads); 1 loads everything on the calling thread.
    package var maxParts: Int
    /// No part smaller than this.
    package var minPartBytes: Int
    /// Resources per validation slice; a manifest under two slices is validated in one pass.
    package var sliceSize: Int
    /// How the jobs run.
    package var runner: ConcurrentRunner

    package init(maxParts: Int, minPartBytes: Int, sliceSize: Int = 1024, runner: @escaping ConcurrentRunner = ParallelLoad.dispatch) {
        self.maxParts = maxParts
        self.minPartBytes = minPartBytes
        self.sliceSize = sliceSize
        self.runner = runner
    }

    /// Two parts per core (at most 16), none under 64 KiB (about 400 resources, a few
    /// milliseconds of work: far more than a thread costs); one core loads serially. Two per
    /// core, not one: cores do not run at the same speed (on a VM least of all), and one that
    /// finishes its part early takes the next one instead of idling.
    package static var automatic: ParallelLoad {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return ParallelLoad(maxParts: cores > 1 ? min(16, 2 * cores) : 1, minPartBytes: 64 << 10)
    }

    /// Runs jobs on Dispatch's pool (the calling thread takes part).
    package static let dispatch: ConcurrentRunner = { jobs, job in DispatchQueue.concurrentPerform(iterations: jobs, execute: job) }

    /// Decodes and validates the text of a YAML manifest (`ManifestLoader.DecodeAndValidate`).
    /// - Parameters:
    ///   - file: The path used in diagnostics.
    ///   - directory: The manifest's folder, absolute.
    ///   - defaultName: The app name when the manifest has no `name:`.
    ///   - environment: The host environment for `${VAR}` interpolation.
    package func decodeAndValidate(
        _ bytes: [UInt8], file: String, directory: String, defaultName: String, environment: [String: String]
    ) -> (Manifest?, [Diagnostic]) {
        var decoded: (Manifest?, [Diagnostic])?
        if let split = YAMLSplit(bytes: bytes, file: file, maxParts: maxParts, minPartBytes: minPartBytes) {
            decoded = Self.decode(split, directory: directory, defaultName: defaultName, environment: environment, runner: runner)
        }
        let (manifest, diagnostics) =
            decoded
            ?? ManifestDecoder.decode(YAMLDocument(bytes: bytes, file: file), directory: directory, defaultName: defaultName, environment: environment)
        guard let manifest else { return (nil, diagnostics) }
        guard maxParts > 1 else { return (manifest, diagnostics + Validator.validate(manifest)) }
        return (manifest, diagnostics + Self.validate(manifest, runner: runner, sliceSize: sliceSize))
    }

    /// Decodes the parts of `split`, one job each, and joins them: exactly
    /// `ManifestDecoder.decode` of the whole file, or nil when the parts do not join (then decode
    /// the file whole, which reports the problem the usual way).
    package static func decode(
        _ split: YAMLSplit, directory: String, defaultName: String, environment: [String: String], runner: ConcurrentRunner
    ) -> (Manifest?, [Diagnostic])? {
        SplitDecoder.decode(split, directory: directory, defaultName: defaultName, environment: environment, runner: runner)
    }

    /// `Validator.validate`, with the per-resource rules on slices of `sliceSize` resources at once.
    package static func validate(_ manifest: Manifest, runner: ConcurrentRunner, sliceSize: Int = 1024) -> [Diagnostic] {
        SlicedValidation.validate(manifest, runner: runner, sliceSize: sliceSize)
    }
}
