// full_fuzzer.swift — libFuzzer target over aspire's whole in-process load path.
//
// Every input goes through the same steps as `aspire validate` / `graph` / `env`, twice: once as
// an apphost.yaml and once as an aspire-manifest.json (JSON is YAML flow syntax, so the same
// shim parses both; running both decoders on every input keeps crash files unambiguous):
//
//   C shim (aspire_yaml_parse) → YAMLDocument (Swift views, SourceLocation)
//     → ManifestDecoder / AspireManifestDecoder → Validator
//     → diagnostics sorted and rendered (text with carets, and JSON)
//   and, when the manifest has no errors (the CLI stops there otherwise):
//     → ResourceGraph: edges, wait cycles, start order, start dependencies, runnable owners
//     → Bindings built the way AppState's BindingsStore does, without the disk (deterministic
//       ports, fixed passwords, parameter defaults)
//     → EnvironmentResolver: environment (every replica, capped), arguments and connection
//       string of every resource, plain and as seen from a container engine.
//     → LaunchPlanner (AppHost): the supervisor's launch plan, planned with no effects
//       (`effects: .none`, a state folder under /fuzz that is never created — /fuzz, then
//       /fuzz/<the input's first line>, so folder names are fuzzed too — the container
//       decision assumed without asking an engine: once with podman, once with none), so
//       planning runs no process, writes no file and probes no engine; every service of the
//       plan is checked against the manifest (a runnable resource or a database job).
//
// Inputs the split path accepts are also loaded in parts (ParallelLoad), and must give exactly
// the whole-file result (checkSplit).
//
// Any Swift runtime trap (force unwrap, index out of range, arithmetic overflow, precondition)
// is a crash to libFuzzer; ASan catches memory errors in the shim and libyaml.
//
// Build and run: fuzz/run.sh (target "full"); this file is compiled with the Swift sources of
// YAMLSource, AppModel, ParallelLoad, AppState, Supervisor and AppHost (and swift-log) by swiftc
// -sanitize=fuzzer,address (see build_full in fuzz/run.sh).
import AppHost
import AppModel
import AppState
import ParallelLoad
import Supervisor
import YAMLSource

/// Resources in a fuzz input are few; these caps keep one input from taking seconds (a valid
/// manifest may declare thousands of replicas) without hiding anything from the fuzzer.
private let maxReplicasResolved = 4
private let maxResourcesResolved = 64
/// Planning builds every replica's environment: a manifest asking for more replicas than this is
/// not planned (a real `up` would start them all).
private let maxReplicasPlanned = 16

/// The engines planning assumes: podman (well-known servers and containers planned as
/// containers), and none (servers planned natively, containers refused with a problem).
private let assumedEngines: [ContainerRuntime?] = [ContainerRuntime(flavor: .podman, executable: "/usr/bin/podman"), nil]

private let hostEnvironment = ["HOME": "/root", "SET": "x", "EMPTY": "", "PATH": "/usr/bin:/bin"]

private func exercise(_ document: YAMLDocument, json: Bool, source: [UInt8]) {
    let (manifest, decodeDiagnostics) =
        json
        ? AspireManifestDecoder.decode(document, directory: "/fuzz", defaultName: "app")
        : ManifestDecoder.decode(document, directory: "/fuzz", defaultName: "app", environment: hostEnvironment)
    var diagnostics = decodeDiagnostics
    if let manifest { diagnostics += Validator.validate(manifest) }
    diagnostics = diagnostics.sortedByLocation

    // What the CLI prints: caret rendering over the source lines, and --format json.
    if !diagnostics.isEmpty {
        let lines = String(decoding: source, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        _ = DiagnosticRenderer(color: false).render(diagnostics, sourceLines: lines)
        _ = DiagnosticRenderer.json(diagnostics, file: json ? "aspire-manifest.json" : "apphost.yaml")
    }
    guard let manifest, !diagnostics.hasErrors else { return }

    // aspire graph / the supervisor's start order.
    let graph = ResourceGraph(manifest)
    _ = ResourceGraph.waitCycles(of: manifest)
    let order = graph.startOrder(in: manifest)
    for name in order { _ = graph.startDependencies(of: name, in: manifest) }
    for resource in manifest.resources { _ = manifest.runnableOwner(of: resource.name) }

    // Bindings the way BindingsStore.prepare builds them, minus the disk and the port probes.
    var bindings = Bindings()
    bindings.hostEnvironment = hostEnvironment
    var nextPort = 20000
    for resource in manifest.resources {
        switch resource.kind {
        case .parameter(let parameter):
            bindings.parameters[resource.name] = parameter.defaultValue ?? (parameter.generate != nil ? "generated" : nil)
        case .redis(let wellKnown), .postgres(let wellKnown), .wellKnown(_, let wellKnown):
            if wellKnown.password == nil, resource.needsPassword { bindings.passwords[resource.name] = "pw" }
        default:
            break
        }
        guard resource.isRunnable else { continue }
        for endpoint in resource.run.endpoints {
            let id = EndpointID(resource.name, endpoint.name)
            let hostPort = endpoint.port ?? { nextPort += 1; return nextPort }()
            bindings.hostPorts[id] = hostPort
            guard resource.isProcess || (resource.isContainer && resource.run.replicas > 1) else { continue }
            if resource.run.replicas > 1 {
                bindings.replicaPorts[id] = (0..<min(resource.run.replicas, 1024)).map { _ in nextPort += 1; return nextPort }
            } else if let target = endpoint.targetPort, target != hostPort {
                bindings.replicaPorts[id] = [target]
            }
        }
    }

    // aspire env / up: every resource, plainly and with containers resolved through a host alias.
    var resolver = EnvironmentResolver(manifest: manifest, bindings: bindings)
    for containerHost in [nil, "host.containers.internal"] as [String?] {
        resolver.containerHost = containerHost
        for resource in manifest.resources.prefix(maxResourcesResolved) {
            for replica in 0..<min(max(resource.run.replicas, 1), maxReplicasResolved) {
                _ = try? resolver.environment(of: resource.name, replica: replica)
            }
            _ = try? resolver.arguments(of: resource.name)
            if resource.hasConnectionString { _ = try? resolver.connectionString(of: resource.name) }
        }
    }

    // aspire up's planning, with no effects.
    guard manifest.resources.allSatisfy({ $0.run.replicas <= maxReplicasPlanned }) else { return }
    plan(manifest, bindings: bindings, folder: "/fuzz")
    // The app's folder as a user may name it: the input's first line (any bytes but NUL), so
    // paths, path hashes and quoting see arbitrary folder names too.
    let line = source.prefix { $0 != UInt8(ascii: "\n") && $0 != 0 }.prefix(200)
    if !line.isEmpty {
        var moved = manifest
        moved.directory = "/fuzz/" + String(decoding: line, as: UTF8.self)
        plan(moved, bindings: bindings, folder: moved.directory)
    }
}

/// A broken invariant: its message survives -O (a `precondition` message does not).
private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Plans `manifest` the way `up` does, with no effects, under each assumed engine; the plan may
/// name only resources of the manifest, each once, and each problem names one too.
private func plan(_ manifest: Manifest, bindings: Bindings, folder directory: String) {
    let folder = StateFolder(manifestDirectory: directory)
    for engine in assumedEngines {
        let containers = ContainerChoice(manifest: manifest, assuming: engine)
        let planner = LaunchPlanner(manifest: manifest, bindings: bindings, folder: folder, hostEnvironment: hostEnvironment, containers: containers)
        let (plan, problems) = planner.plan()
        var seen = Set<String>()
        for service in plan.services {
            check(manifest[service.name] != nil, "plan: service '\(service.name)' is no resource of the manifest")
            check(seen.insert(service.name).inserted, "plan: service '\(service.name)' planned twice")
            check(!service.replicas.isEmpty, "plan: service '\(service.name)' has no replica")
            for dependency in service.waitFor + service.waitForCompletion {
                check(manifest[dependency] != nil, "plan: '\(service.name)' waits for '\(dependency)', no resource of the manifest")
            }
        }
        for problem in problems {
            check(manifest[problem.resource] != nil, "plan: problem for '\(problem.resource)', no resource of the manifest")
            check(!problem.message.contains("\n"), "plan: a problem is not one line: \(problem.message)")
        }
    }
}

/// A large manifest is loaded in parts (`YAMLSplit`); whenever the split path accepts an input,
/// its manifest and diagnostics must be exactly those of the whole-file load. The parts run one
/// after another here (the fuzzer is single-threaded); the differential is what is checked.
private func checkSplit(_ bytes: [UInt8], whole document: YAMLDocument) {
    guard let split = YAMLSplit(bytes: bytes, file: "apphost.yaml", maxParts: 3, minPartBytes: 1) else { return }
    let serial: ConcurrentRunner = { jobs, job in for index in 0..<jobs { job(index) } }
    guard let (manifest, diagnostics) = ParallelLoad.decode(split, directory: "/fuzz", defaultName: "app", environment: hostEnvironment, runner: serial)
    else { return }
    let (wholeManifest, wholeDiagnostics) = ManifestDecoder.decode(document, directory: "/fuzz", defaultName: "app", environment: hostEnvironment)
    check(manifest == wholeManifest, "split load: the manifest differs from the whole-file load")
    check(diagnostics == wholeDiagnostics, "split load: diagnostics differ: \(diagnostics) vs \(wholeDiagnostics)")
    // Validation in slices (two resources each, to have many) gives what one pass gives.
    if let manifest {
        check(ParallelLoad.validate(manifest, runner: serial, sliceSize: 2) == Validator.validate(manifest), "sliced validation differs")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    let document = YAMLDocument(bytes: bytes, file: "apphost.yaml")
    // Touch the parse errors the way diagnostics do (messages and locations).
    for error in document.errors { _ = "\(error)" }
    exercise(document, json: false, source: bytes)
    exercise(document, json: true, source: bytes)
    checkSplit(bytes, whole: document)
    return 0
}
