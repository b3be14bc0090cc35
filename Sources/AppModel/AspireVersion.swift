/// The version `aspire --version` prints; one place, so the CLI, the control API and any
/// publisher that stamps its output agree.
package enum AspireVersion {
    /// Semantic version of this build of `aspire`.
    package static let current = "0.7.0"
}
