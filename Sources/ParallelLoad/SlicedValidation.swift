import AppModel

/// `Validator.validate` with the rules that look at one resource at a time run on slices of a
/// large manifest at once, and the wait-cycle search in a job of its own beside them; the
/// diagnostics come out as `validate` gives them.
enum SlicedValidation {
    /// - Parameter sliceSize: Resources per slice; a manifest under two slices is checked in one pass.
    static func validate(_ manifest: Manifest, runner: ConcurrentRunner, sliceSize: Int) -> [Diagnostic] {
        let sliceSize = max(1, sliceSize)
        let count = manifest.resources.count
        guard count >= 2 * sliceSize else { return Validator.validate(manifest) }
        let slices = (count + sliceSize - 1) / sliceSize
        @Sendable func check(_ slice: Int) -> Validator.PerResource {
            Validator.PerResource(checking: manifest, slice * sliceSize..<min(count, (slice + 1) * sliceSize))
        }
        let results = JobResults<Validator.PerResource>(count: slices)
        let cycles = JobResults<[[String]]>(count: 1)
        // The cycle search first: it is the longest job, so it overlaps the slices instead of
        // running alone after them.
        runner(slices + 1) { job in
            if job == 0 {
                cycles.set(0, ResourceGraph.waitCycles(of: manifest))
            } else {
                results.set(job - 1, check(job - 1))
            }
        }
        // A runner that skipped a job would lose its findings: such a job is done here.
        let parts = results.values.enumerated().map { $1 ?? check($0) }
        return Validator.diagnostics(of: manifest, joining: parts, waitCycles: cycles.take(0) ?? ResourceGraph.waitCycles(of: manifest))
    }
}
