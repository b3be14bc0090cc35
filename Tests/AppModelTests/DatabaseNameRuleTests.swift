import AppModel
import AppState
import Foundation
import Testing

/// A database name the server would reject is an error at its line and column, naming the
/// server's rule, with a fix-it note giving a name it takes (issue 19, "Bad input").
@Suite struct DatabaseNameRuleTests {
    /// The rendered diagnostics of `yaml`, without color.
    private func rendered(_ yaml: String) -> String {
        let result = load(yaml)
        return DiagnosticRenderer(color: false).render(result.diagnostics, sourceLines: result.sourceLines)
    }

    @Test("mysql: a '.' is rejected, with MariaDB's rule and a fix-it keeping the resource name")
    func mysqlDot() {
        let text = rendered("resources:\n  db:\n    type: mysql\n    databases: {orders: order.db}\n")
        #expect(
            text == """
                apphost.yaml:4:25: error: database name 'order.db' is not one the server takes: MySQL database names are at most 64 characters; quoted with backticks here, they are ASCII letters, digits, '_', '$' and '-'
                    databases: {orders: order.db}
                                        ^
                note: write databases: {orders: order_db} (the resource keeps its name; the server gets one it takes)
                1 error generated.

                """, "\(text)")
    }

    @Test("mysql: '-' is taken (every name is quoted with backticks); 64 characters pass, 65 do not")
    func mysqlLength() {
        #expect(!load("resources:\n  db:\n    type: mysql\n    databases: [order-db]\n").hasErrors)
        let ok = String(repeating: "a", count: 64)
        #expect(!load("resources:\n  db:\n    type: mysql\n    databases: {orders: \(ok)}\n").hasErrors)
        let long = load("resources:\n  db:\n    type: mysql\n    databases: {orders: \(ok)b}\n")
        #expect(long.diagnostics.summaries == ["invalid-database-name@4:25"])
        #expect(long.diagnostics.first?.notes.first?.message == "write databases: {orders: \(ok)} (the resource keeps its name; the server gets one it takes)")
    }

    @Test("postgres: at most 63 bytes, counted in UTF-8 (a name PostgreSQL would cut short is an error)")
    func postgresBytes() {
        // 31 two-byte letters = 62 bytes: taken; 32 = 64 bytes: not.
        let fits = String(repeating: "é", count: 31)
        #expect(!load("resources:\n  pg:\n    type: postgres\n    databases: {shop: \(fits)}\n").hasErrors)
        let text = rendered("resources:\n  pg:\n    type: postgres\n    databases: {shop: \(fits)é}\n")
        #expect(
            text == """
                apphost.yaml:4:23: error: database name '\(fits)é' is not one the server takes: PostgreSQL database names are at most 63 bytes (longer ones are cut short); quoted with "…" here, they are letters, digits, '_', '$' and '-' (nothing the connection string or URI would need escaped)
                    databases: {shop: \(fits)é}
                                      ^
                note: write databases: {shop: \(fits)} (the resource keeps its name; the server gets one it takes)
                1 error generated.

                """, "\(text)")
    }

    @Test("postgres: a ';' (which would end Database=… in the connection string) is rejected; '-' is taken")
    func postgresSemicolon() {
        #expect(!load("resources:\n  pg:\n    type: postgres\n    databases: [my-db]\n").hasErrors)
        let result = load("resources:\n  pg:\n    type: postgres\n    databases:\n      shop: \"a;b\"\n")
        #expect(result.diagnostics.summaries == ["invalid-database-name@5:13"])
        #expect(result.diagnostics.first?.notes.first?.message == "write databases: {shop: a_b} (the resource keeps its name; the server gets one it takes)")
    }

    @Test("mongodb: a '*' or '.' is rejected with MongoDB's rule; 63 bytes pass, 64 do not")
    func mongodb() {
        #expect(!load("resources:\n  mongo:\n    type: mongodb\n    databases: [shop, my-shop, Shop2]\n").hasErrors)
        let dollar = rendered("resources:\n  mongo:\n    type: mongodb\n    databases: {shop: \"sh*op\"}\n")
        #expect(
            dollar == """
                apphost.yaml:4:23: error: database name 'sh*op' is not one the server takes: MongoDB database names cannot hold /\\. "$*<>:|? or spaces and are under 64 bytes; here (unescaped in the mongodb:// URI) they are ASCII letters, digits, '_' and '-'
                    databases: {shop: "sh*op"}
                                      ^
                note: write databases: {shop: sh_op} (the resource keeps its name; the server gets one it takes)
                1 error generated.

                """, "\(dollar)")
        let fits = String(repeating: "m", count: 63)
        #expect(!load("resources:\n  mongo:\n    type: mongodb\n    databases: {shop: \(fits)}\n").hasErrors)
        #expect(load("resources:\n  mongo:\n    type: mongodb\n    databases: {shop: \(fits)m}\n").diagnostics.summaries == ["invalid-database-name@4:23"])
        #expect(load("resources:\n  mongo:\n    type: mongodb\n    databases: {shop: a.b}\n").diagnostics.summaries == ["invalid-database-name@4:23"])
    }

    @Test("the fix-it is itself a name the rule takes")
    func suggestionTaken() {
        for rule in [WellKnownType.mysql.databases?.nameRule, WellKnownType.mongodb.databases?.nameRule, DatabaseNameRule.postgres].compactMap({ $0 }) {
            for name in ["a b", "", String(repeating: "x.", count: 80), "ünï;cødé", "$$$"] {
                #expect(rule.problem(with: rule.suggestion(for: name)) == nil, "\(name) → \(rule.suggestion(for: name))")
            }
        }
    }
}
