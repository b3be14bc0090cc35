import Foundation

/// One image the published output runs and names but nobody has built: what
/// `aspire publish --build` hands to the container engine (`build -t TAG -f DOCKERFILE CONTEXT`).
package struct ImageBuild: Sendable, Hashable {
    /// The name the output gives the image (`APP-NAME:latest`), as compose's `image:` and
    /// Kubernetes' `image:` write it.
    package var tag: String
    /// The build context, absolute.
    package var context: String
    /// The Dockerfile's text when generated; nil for the context's own (or `dockerfilePath`).
    package var generatedDockerfile: String?
    /// An existing Dockerfile, relative to the context (a container's `build.dockerfile`).
    package var dockerfilePath: String?

    package init(tag: String, context: String, generatedDockerfile: String? = nil, dockerfilePath: String? = nil) {
        self.tag = tag
        self.context = context
        self.generatedDockerfile = generatedDockerfile
        self.dockerfilePath = dockerfilePath
    }
}
