/// A fixture that no longer decodes as the benchmark expects.
struct BenchmarkInputError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
