import YAMLSource

/// The whole app: its name and resources in manifest order, with where it came from.
package struct Manifest: Sendable, Hashable {
    package var name: String
    /// The manifest's path as given (used in diagnostics).
    package var file: String
    /// The folder relative paths are resolved against (absolute).
    package var directory: String
    package var resources: [Resource]
    /// Names of resources that exist but could not be decoded (their errors are already
    /// reported); references to them are not reported again.
    package var undecodedNames: Set<String> = []
    /// Resources of an `aspire-manifest.json` whose bindings some expression points into though
    /// they have none (a `parameter.v0` or `value.v0`, as Aspire's own playground writes): warned
    /// about at load, not reported again; resolving such an expression fails (only `up` of a
    /// resource that needs it fails).
    package var unboundExpressionTargets: Set<String> = []
    private var indexByName: NameIndex

    /// - Parameter nameHashes: The resources' `name.hashValue`s in order, when already computed
    ///   (a split load hashes each part's names in the part's own job).
    package init(name: String, file: String, directory: String, resources: [Resource], nameHashes: [Int]? = nil) {
        self.name = name
        self.file = file
        self.directory = directory
        self.resources = resources
        self.indexByName = NameIndex(names: resources.map(\.name), hashes: nameHashes)
    }

    /// The resource with this name, or nil.
    package subscript(name: String) -> Resource? {
        index(of: name).map { resources[$0] }
    }

    package var resourceNames: [String] { resources.map(\.name) }

    /// True when a resource of that name exists (without copying it).
    package func contains(_ name: String) -> Bool { index(of: name) != nil }

    /// The position of `name` in `resources`, for in-place access without a copy.
    package func index(of name: String) -> Int? {
        // By position: reading only the name copies no resource.
        resources.withUnsafeBufferPointer { resources in indexByName.position(of: name) { resources[$0].name } }
    }
}
