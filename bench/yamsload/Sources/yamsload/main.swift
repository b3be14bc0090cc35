// yamsload FILE — parse FILE with Yams into its Node tree and print the number of nodes.
import Foundation
import Yams

func count(_ node: Node) -> Int {
    switch node {
    case .scalar: return 1
    case .sequence(let items): return items.reduce(1) { $0 + count($1) }
    case .mapping(let pairs): return pairs.reduce(1) { $0 + count($1.key) + count($1.value) }
    default: return 1  // Yams 6: .alias
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: yamsload FILE\n".utf8))
    exit(2)
}
do {
    let text = try String(contentsOfFile: arguments[1], encoding: .utf8)
    guard let node = try Yams.compose(yaml: text) else { print(0); exit(0) }
    print(count(node))
} catch {
    FileHandle.standardError.write(Data("yamsload: \(error)\n".utf8))
    exit(1)
}
