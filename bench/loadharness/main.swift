// loadharness — the in-process load path (shim → decode → validate) without the CLI, for
// profiling and quick timing. Built by bench/loadharness/build.sh straight from the sources.
import AppModel
import YAMLSource

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: loadharness FILE [REPEAT] | loadharness --dump FILE...")
    exit(2)
}

func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return bytes
}

// `--dump`: the whole decoded manifest and every diagnostic, for comparing two builds
// (run with SWIFT_DETERMINISTIC_HASHING=1 so sets print in a stable order).
if arguments[1] == "--dump" {
    for path in arguments.dropFirst(2) {
        guard let bytes = readFile(path) else { continue }
        let document = YAMLDocument(bytes: bytes, file: "f.yaml")
        let (manifest, diagnostics) = ManifestDecoder.decode(document, directory: "/tmp", defaultName: "app", environment: ["HOME": "/root", "SET": "x", "EMPTY": ""])
        let more = manifest.map { Validator.validate($0) } ?? []
        print("== \(path)")
        if let manifest {
            var resources = manifest.resources
            resources.sort { $0.name < $1.name }
            print(manifest.name, manifest.undecodedNames.sorted())
            for resource in manifest.resources { print(resource) }
        } else {
            print("no manifest")
        }
        for d in diagnostics + more { print(d) }
    }
    exit(0)
}
let repeatCount = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
guard let bytes = readFile(arguments[1]) else { exit(1) }

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
}

var best = (parse: Double.infinity, decode: Double.infinity, validate: Double.infinity)
var summary = ""
for _ in 0..<repeatCount {
    let t0 = now()
    let document = YAMLDocument(bytes: bytes, file: arguments[1])
    let t1 = now()
    let (manifest, diagnostics) = ManifestDecoder.decode(document, directory: "/tmp", defaultName: "app", environment: [:])
    let t2 = now()
    let more = manifest.map { Validator.validate($0) } ?? []
    let t3 = now()
    best = (min(best.parse, t1 - t0), min(best.decode, t2 - t1), min(best.validate, t3 - t2))
    summary = "\(manifest?.resources.count ?? -1) resources, \(diagnostics.count + more.count) diagnostics"
    for d in (diagnostics + more).prefix(3) { summary += "\n  \(d.location.map { "\($0)" } ?? "-"): \(d.message.text)" }
}
print(summary)
func ms(_ value: Double) -> String { "\((value * 100).rounded() / 100) ms" }
print("parse \(ms(best.parse)), decode \(ms(best.decode)), validate \(ms(best.validate)) (best of \(repeatCount))")
