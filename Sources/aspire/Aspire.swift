import ArgumentParser

@main
struct Aspire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "aspire", abstract: "Run any app the way .NET Aspire's AppHost does.")
}
