/// The one rule for the names of the variables aspire injects or reads (DESIGN §3, docs/environment.md).
///
/// Aspire's own keys keep the name exactly as written, `-` included (`ConnectionStrings__my-cache`,
/// `services__my-api__http__0`, `Parameters__my-param`): .NET configuration maps `__` to `:` and
/// reads `GetConnectionString("my-cache")` from them. Only the upper-cased polyglot names
/// (`MY_CACHE_HOST`, `MY_API_HTTP`) turn every character outside `[A-Za-z0-9_]` into `_`.
///
/// `env`, `up`, the dashboard and every publisher get their names from here; nothing else builds one.
package enum VariableName {
    /// `ConnectionStrings__<name>`, the name kept as written.
    package static func connectionString(_ name: String) -> String { "ConnectionStrings__\(name)" }

    /// `Parameters__<name>`, where a parameter's value is read from the host environment.
    package static func parameter(_ name: String) -> String { "Parameters__\(name)" }

    /// `services__<resource>__<scheme>__<index>`, the resource name kept as written.
    package static func service(_ resource: String, scheme: String, index: Int) -> String {
        "services__\(resource)__\(scheme)__\(index)"
    }

    /// The upper-cased prefix of the polyglot names: `my-cache` → `MY_CACHE`.
    package static func upperCased(_ name: String) -> String { ResourceName.envSegment(name).uppercased() }

    /// `<NAME>_<SUFFIX>`: a connection property (`MY_CACHE_HOST`) or an endpoint (`MY_API_HTTP`).
    package static func polyglot(_ name: String, _ suffix: String) -> String { "\(upperCased(name))_\(upperCased(suffix))" }

    /// True when a POSIX shell can `export` the name (`[A-Za-z_][A-Za-z0-9_]*`); a name with a `-`
    /// is a valid environment entry, but no shell variable.
    package static func isShellName(_ name: String) -> Bool { ResourceName.isValidEnvVariable(name) }
}
