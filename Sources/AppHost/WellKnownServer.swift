import AppModel
import Foundation

/// A well-known server resource seen the same way whatever its type: which image and which
/// native program run it, so `runtime: auto` can choose and messages can name both ways out.
struct WellKnownServer: Sendable {
    enum Family: Sendable {
        case redis, postgres
        case template(WellKnownType)
    }

    var family: Family
    var settings: WellKnown

    init?(_ resource: Resource) {
        switch resource.kind {
        case .redis(let settings): (family, self.settings) = (.redis, settings)
        case .postgres(let settings): (family, self.settings) = (.postgres, settings)
        case .wellKnown(let type, let settings): (family, self.settings) = (.template(type), settings)
        default: return nil
        }
    }

    /// `image:tag` from `image:`/`tag:`, else the official image and its default tag.
    var imageReference: String {
        let (defaultImage, defaultTag) =
            switch family {
            case .redis: ("docker.io/library/redis", "7.4")
            case .postgres: ("docker.io/library/postgres", "17")
            case .template(let type): (type.image, type.tag)
            }
        let image = settings.image ?? defaultImage
        if let tag = settings.tag { return "\(image):\(tag)" }
        // An image given with its own tag (or digest) is used as written.
        let lastComponent = image.split(separator: "/").last ?? Substring(image)
        if lastComponent.contains(":") || image.contains("@") { return image }
        return "\(image):\(settings.image == nil ? defaultTag : "latest")"
    }

    /// The program run natively, for messages.
    var nativeProgram: String {
        switch family {
        case .redis: "redis-server"
        case .postgres: "postgres"
        case .template(let type): type.nativeProgram
        }
    }

    /// How to install the native program.
    var nativeHint: String {
        switch family {
        case .redis: "Debian: apt-get install redis-server"
        case .postgres: "Debian: apt-get install postgresql"
        case .template(let type): type.installHint
        }
    }

    func hasNativeBinary(path: String?) -> Bool {
        switch family {
        case .postgres: PostgresBinaries.find(path: path) != nil
        case .template(let type): ([type.nativeProgram] + type.nativeAlternatives).contains { ExecutableLookup.find($0, path: path) != nil }
        default: ExecutableLookup.find(nativeProgram, path: path) != nil
        }
    }
}
