import YAMLSource

extension ServiceTranslation {
    // MARK: - healthcheck

    mutating func healthcheck(_ value: YAMLNode) {
        if case .wellKnown(let type) = target {
            note(value, "'healthcheck': \(type) has a built-in health check; left out")
            return
        }
        if value["disable"]?.bool == true { return }
        guard let test = value["test"] else {
            note(value, "'healthcheck' without 'test'; left out")
            return
        }
        var argv: [String]
        if test.kind == .sequence {
            let items = test.itemView.compactMap(\.scalar)
            switch items.first {
            case "NONE": return
            case "CMD": argv = Array(items.dropFirst())
            case "CMD-SHELL": argv = ["sh", "-c", items.dropFirst().joined(separator: " ")]
            default: argv = items
            }
        } else {
            argv = ["sh", "-c", test.scalar ?? ""]
        }
        guard !argv.isEmpty else { return }
        var fields = [DraftManifest.Field("exec", .list(argv.map { .string(Self.literal($0)) }))]
        let durations = [("interval", "interval"), ("timeout", "timeout"), ("start_period", "startPeriod"), ("start_interval", "startInterval")]
        for (key, item) in value.pairView {
            guard let text = key.scalar else { continue }
            if let mapped = durations.first(where: { $0.0 == text })?.1, let duration = item.scalar {
                fields.append(DraftManifest.Field(mapped, .string(duration)))
            } else if text == "retries", let retries = item.int {
                fields.append(DraftManifest.Field("retries", .number(max(1, retries))))
            } else if !["test", "disable"].contains(text) {
                note(key, "'healthcheck.\(text)' has no equivalent; left out")
            }
        }
        let comment = target == .project ? "guess: runs on this machine, not in an image" : nil
        resource.set("healthCheck", .map(fields), comment: comment)
    }

    // MARK: - volumes

    mutating func volumes(_ value: YAMLNode) {
        guard target == .container else {
            note(value, "'volumes' on a \(target == .project ? "project (it runs in its own folder)" : "server (its data lives in .aspire/data)"); left out")
            return
        }
        var volumes: [DraftManifest.Value] = []
        var binds: [DraftManifest.Value] = []
        for item in value.itemView {
            var source: String?
            var targetPath: String?
            var readOnly = false
            var isBind = false
            if item.kind == .mapping {
                let type = item["type"]?.scalar ?? "volume"
                guard type == "volume" || type == "bind" else {
                    note(item, "a '\(type)' volume has no equivalent; left out")
                    continue
                }
                isBind = type == "bind"
                source = item["source"]?.scalar
                targetPath = item["target"]?.scalar
                readOnly = item["read_only"]?.bool ?? false
            } else if let text = item.scalar {
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                if parts.count == 1 {
                    targetPath = parts[0]
                } else {
                    source = parts[0]
                    targetPath = parts[1]
                    readOnly = parts.count > 2 && parts[2].split(separator: ",").contains("ro")
                    isBind = ["/", ".", "~"].contains { parts[0].hasPrefix($0) }
                }
            }
            guard let targetPath else {
                note(item, "a volume without a target; left out")
                continue
            }
            var fields: [DraftManifest.Field] = []
            if let source { fields.append(DraftManifest.Field(isBind ? "source" : "name", .string(isBind ? Self.relative(source) : ServiceNames.sanitize(source)))) }
            fields.append(DraftManifest.Field("target", .string(targetPath)))
            if readOnly { fields.append(DraftManifest.Field("readOnly", .bool(true))) }
            if isBind { binds.append(.map(fields)) } else { volumes.append(.map(fields)) }
        }
        if !volumes.isEmpty { resource.set("volumes", .list(volumes)) }
        if !binds.isEmpty { resource.set("bindMounts", .list(binds)) }
    }

    // MARK: - restart, deploy

    mutating func restart(_ value: YAMLNode) {
        guard let text = value.scalar else { return }
        switch text {
        case "no": return
        case "always": resource.set("restart", .string("always"))
        case "unless-stopped": resource.set("restart", .string("always"), comment: "guess: from unless-stopped")
        case "on-failure": resource.set("restart", .string("on-failure"))
        default:
            if text.hasPrefix("on-failure:"), let count = Int(text.dropFirst("on-failure:".count)) {
                resource.set("restart", .map([DraftManifest.Field("policy", .string("on-failure")), DraftManifest.Field("maxRestarts", .number(count))]))
            } else {
                note(value, "restart '\(text)' is not a compose policy; left out")
            }
        }
    }

    mutating func deploy(_ value: YAMLNode) {
        for (key, item) in value.pairView {
            guard let text = key.scalar else { continue }
            if text == "replicas", let replicas = item.int {
                if case .wellKnown(let type) = target {
                    note(item, "'deploy.replicas' on \(type): aspire runs one server; left out")
                } else if replicas >= 1 {
                    resource.set("replicas", .number(min(replicas, 1000)))
                }
            } else {
                note(key, "'deploy.\(text)' has no equivalent; left out")
            }
        }
    }

    /// `exec:` checks are refused on replicated containers (docs/containers.md).
    mutating func dropExecCheckIfReplicated(at node: YAMLNode) {
        guard target == .container, case .number(let count)? = resource.value("replicas"), count > 1, resource.value("healthCheck") != nil else { return }
        resource.fields.removeAll { $0.key == "healthCheck" }
        note(node, "'healthcheck' on a replicated container: aspire cannot exec into each replica; the check is left out")
    }
}
