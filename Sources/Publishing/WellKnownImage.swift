import AppModel
import Foundation
import Quoting

/// The images redis and postgres run as in a deployment (their official images), and the
/// shell quoting used to put arguments on their command lines.
enum WellKnownImage {
    case redis, postgres

    /// `image:tag` from the resource's `image`/`tag`, else the `--base-image` for its kind,
    /// else the official image.
    func reference(_ wellKnown: WellKnown, images: BaseImages) -> String {
        switch self {
        case .redis: images.wellKnown("redis", wellKnown, official: Self.reference(wellKnown, image: "docker.io/library/redis", tag: "7.4"))
        case .postgres: images.wellKnown("postgres", wellKnown, official: Self.reference(wellKnown, image: "docker.io/library/postgres", tag: "17"))
        }
    }

    /// `image:tag` from the resource's `image`/`tag`, else `defaultImage:defaultTag`.
    static func reference(_ wellKnown: WellKnown, image defaultImage: String, tag defaultTag: String) -> String {
        let image = wellKnown.image ?? defaultImage
        if let tag = wellKnown.tag { return "\(image):\(tag)" }
        // An image given with its own tag (or digest) is used as written.
        let lastComponent = image.split(separator: "/").last ?? Substring(image)
        if lastComponent.contains(":") || image.contains("@") { return image }
        return "\(image):\(wellKnown.image == nil ? defaultTag : "latest")"
    }

    /// A template type's image and its arguments (`{targetPort}` filled in, then the switches on).
    static func template(_ type: WellKnownType, _ wellKnown: WellKnown, images: BaseImages) -> (image: String, arguments: [String]) {
        let arguments = type.containerArguments.map { $0.replacingOccurrences(of: "{targetPort}", with: String(type.targetPort)) }
            + type.switchArguments(wellKnown, data: type.containerDataPath ?? "/data")
        return (images.wellKnown(type.name, wellKnown, official: reference(wellKnown, image: type.image, tag: type.tag)), arguments)
    }

    /// The `/bin/sh -c` line a deployment runs (`deployedShellCommand`, then the switches on,
    /// quoted), or nil when the type runs its image's command.
    static func shell(_ type: WellKnownType, _ wellKnown: WellKnown) -> String? {
        guard let shell = type.deployedShellCommand else { return nil }
        return shell + type.switchArguments(wellKnown, data: type.containerDataPath ?? "/data").map { " " + Shell.quote($0) }.joined()
    }
}

extension WellKnownType {
    /// `containerEnvironment` as a deployment sets it, sorted: `{host}` is the service's name and
    /// `{port}` its target port (what other services reach); nil values are the password.
    func deployedEnvironment(service: String) -> [(key: String, value: String?)] {
        containerEnvironment.sorted { $0.key < $1.key }.map { key, format in
            (key, format == "{password}" ? nil : WellKnownType.fill(format, ["{host}": service, "{port}": String(targetPort)]))
        }
    }
}

extension Resource {
    /// Redis and postgres: servers whose command line the publisher writes itself.
    var isWellKnown: Bool {
        switch kind {
        case .redis, .postgres, .wellKnown: true
        default: false
        }
    }
}
