import Vapor

/// Raw arguments of a command that takes a list of operands (`import rir FILE...`), which
/// ConsoleKit's signatures cannot express: operands in order, `--name value` options, flags.
struct CommandArguments {
    var operands: [String] = []
    var options: [String: String] = [:]
    var flags: Set<String> = []

    init(_ arguments: [String], options known: Set<String> = [], flags knownFlags: Set<String> = []) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            if argument.hasPrefix("--") {
                let name = String(argument.dropFirst(2))
                if knownFlags.contains(name) {
                    flags.insert(name)
                } else if known.contains(name), let value = rest.popFirst() {
                    options[name] = value
                } else {
                    throw UsageError(message: "unknown or incomplete option \(argument)")
                }
            } else {
                operands.append(argument)
            }
        }
    }
}
