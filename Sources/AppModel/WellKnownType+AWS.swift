import Foundation

extension WellKnownType {
    /// `type: aws`: AWS emulated by moto (`moto_server`, from PyPI) natively, else the
    /// `motoserver/moto` image: S3, SQS and DynamoDB on one HTTP endpoint. The generated password
    /// is the secret access key. `buckets:`, `queues:` and `tables:` are created at start. Natively
    /// the state is kept across runs (moto's request recording, replayed at start: MotoLauncher).
    /// Clients get what AWS SDKs read (`AWS_ENDPOINT_URL`, `AWS_REGION`, the keys); healthy once
    /// S3's ListBuckets (`GET /`) answers. Aspire's own AWS integration provisions real AWS through
    /// CloudFormation instead (docs/environment.md#aws).
    package static let aws = WellKnownType(
        name: "aws",
        image: "docker.io/motoserver/moto",
        // Aspire has no emulator image; the moto release the native path is tested with, pinned.
        tag: "5.2.1",
        targetPort: 5000,
        hasPassword: true,
        connectionString: "http://{host}:{port}",
        properties: [
            Property("HOST", "{host}"),
            Property("PORT", "{port}"),
            Property("URI", "http://{host}:{port}"),
        ],
        nativeProgram: "moto_server",
        nativeArguments: ["-H", "{bind}", "-p", "{port}"],
        installHint: "python3 -m pip install 'moto[server]' boto3, or make deps",
        // Natively the recorded state is replayed before moto listens (MotoLauncher): a long
        // recording takes a while.
        startPeriod: 120,
        healthPath: "/",
        childGroups: [.buckets, .queues, .tables],
        plainVariables: awsVariables
    )

    /// What an AWS SDK reads from the environment (`{region}` is the server's `region:`).
    /// boto3 and the AWS CLI read `AWS_DEFAULT_REGION`, the other SDKs `AWS_REGION`.
    package static let awsVariables = [
        Property("AWS_ENDPOINT_URL", "http://{host}:{port}"),
        Property("AWS_REGION", "{region}"),
        Property("AWS_DEFAULT_REGION", "{region}"),
        Property("AWS_ACCESS_KEY_ID", awsAccessKeyID),
        Property("AWS_SECRET_ACCESS_KEY", "{password}"),
    ]

    /// The access key ID clients send: an identifier, not a secret (AWS logs it); moto takes any.
    package static let awsAccessKeyID = "ASPIRELOCALACCESSKEY"
    /// The region when `region:` is not given.
    package static let awsDefaultRegion = "us-east-1"
    /// The account moto answers for (its default), which is part of a queue's URL.
    package static let motoAccount = "123456789012"

    /// The region an aws server's clients are told.
    package static func region(of settings: WellKnown) -> String { settings.region ?? awsDefaultRegion }
}

/// Children of a server under their own key (`buckets:`): how each is named, checked and injected.
package struct ChildGroup: Sendable, Hashable {
    /// The manifest key (`buckets`) and one child, for messages (`bucket`).
    package var key: String
    package var what: String
    /// The child's properties (`<CHILD>_BUCKET_NAME`); `{database}` is the child's name.
    package var properties: [WellKnownType.Property]
    /// The child's connection string.
    package var connectionFormat: String
    package var rule: ChildNameRule

    package static let buckets = ChildGroup(
        key: "buckets", what: "bucket", properties: [.init("BUCKET_NAME", "{database}")], connectionFormat: "{database}", rule: .s3Bucket)
    package static let queues = ChildGroup(
        key: "queues", what: "queue", properties: [.init("QUEUE_URL", queueURL), .init("QUEUE_NAME", "{database}")],
        connectionFormat: queueURL, rule: .sqsQueue)
    package static let tables = ChildGroup(
        key: "tables", what: "table", properties: [.init("TABLE_NAME", "{database}")], connectionFormat: "{database}", rule: .dynamoDBTable)

    /// moto's queue URL: the endpoint, its default account, the name.
    static let queueURL = "http://{host}:{port}/\(WellKnownType.motoAccount)/{database}"
}

/// The names AWS takes for a bucket, a queue and a table (the emulator enforces the same rules).
package enum ChildNameRule: Sendable, Hashable {
    case s3Bucket, sqsQueue, dynamoDBTable

    /// The rule as the user reads it.
    package var text: String {
        switch self {
        case .s3Bucket:
            "S3 bucket names are 3-63 characters of lower-case letters, digits, '.' and '-', start and end with a letter or digit, have no '..' and are not an IP address"
        case .sqsQueue:
            "SQS queue names are 1-80 characters of letters, digits, '-' and '_' (a FIFO queue's ends in '.fifo')"
        case .dynamoDBTable:
            "DynamoDB table names are 3-255 characters of letters, digits, '_', '-' and '.'"
        }
    }

    /// nil when AWS takes `name`, else the rule it breaks.
    package func problem(with name: String) -> String? {
        let bytes = Array(name.utf8)
        func only(_ allowed: (UInt8) -> Bool) -> Bool { bytes.allSatisfy(allowed) }
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let isLower = { (b: UInt8) in b >= 0x61 && b <= 0x7A }
        let isLetter = { (b: UInt8) in isLower(b) || (b >= 0x41 && b <= 0x5A) }
        switch self {
        case .s3Bucket:
            guard (3...63).contains(bytes.count), only({ isLower($0) || isDigit($0) || $0 == 0x2E || $0 == 0x2D }),
                let first = bytes.first, let last = bytes.last, isLower(first) || isDigit(first), isLower(last) || isDigit(last),
                !name.contains(".."), !Self.looksLikeIPAddress(name)
            else { return text }
            return nil
        case .sqsQueue:
            let base = name.hasSuffix(".fifo") ? Array(bytes.dropLast(5)) : bytes
            guard (1...80).contains(bytes.count), !base.isEmpty, base.allSatisfy({ isLetter($0) || isDigit($0) || $0 == 0x2D || $0 == 0x5F }) else {
                return text
            }
            return nil
        case .dynamoDBTable:
            guard (3...255).contains(bytes.count), only({ isLetter($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }) else { return text }
            return nil
        }
    }

    /// A name AWS would take, close to `name`, for the fix-it.
    package func suggestion(for name: String) -> String {
        var result: String
        switch self {
        case .s3Bucket:
            result = String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") ? $0 : "-" })
            while result.contains("..") { result = result.replacingOccurrences(of: "..", with: ".") }
            result = String(result.drop { !$0.isLetter && !$0.isNumber }.reversed().drop { !$0.isLetter && !$0.isNumber }.reversed())
            if Self.looksLikeIPAddress(result) { result = "bucket-" + result.replacingOccurrences(of: ".", with: "-") }
            while result.count < 3 { result += "0" }
            return String(result.prefix(63))
        case .sqsQueue:
            result = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
            return String((result.isEmpty ? "queue" : result).prefix(80))
        case .dynamoDBTable:
            result = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) ? $0 : "_" })
            while result.count < 3 { result += "_" }
            return String(result.prefix(255))
        }
    }

    /// Four dot-separated numbers (`192.168.5.4`), which S3 refuses as a bucket name.
    static func looksLikeIPAddress(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }
    }
}

extension Diagnostic.Message {
    /// `name` (of the child resource `child`) breaks AWS's rule; the fix-it keeps the resource name.
    package static func invalidChildName(_ name: String, child: String, group: ChildGroup) -> Self {
        let fixed = group.rule.suggestion(for: name)
        return Self(
            id: "invalid-\(group.what)-name",
            "\(group.what) name '\(name)' is not one AWS takes: \(group.rule.text); give it another, e.g. \(group.key): \(child == name ? "[\(fixed)]" : "{\(child): \(fixed)}")")
    }
}
