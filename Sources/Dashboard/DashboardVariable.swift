/// One variable of a resource's environment.
package struct DashboardVariable: Sendable, Hashable {
    /// The variable's name.
    package var name: String
    /// Its value in full, secrets included: the dashboard masks it, the backend does not.
    package var value: String
    /// Whether the value is (or holds) a secret: a password, a secret parameter.
    package var isSecret: Bool

    /// Creates a variable.
    ///
    /// - Parameters:
    ///   - name: The variable's name.
    ///   - value: The full value.
    ///   - isSecret: Whether the dashboard must mask it until revealed.
    package init(name: String, value: String, isSecret: Bool) {
        self.name = name
        self.value = value
        self.isSecret = isSecret
    }
}
