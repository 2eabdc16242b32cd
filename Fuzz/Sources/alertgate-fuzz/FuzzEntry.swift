import Foundation

/// libFuzzer's entry points. The target is read once, from `ALERTGATE_FUZZ_TARGET`, before
/// the first input; every input then goes to that target's harness. A harness calls the public
/// API with the decoders' normal limits and ignores thrown errors: only crashes, traps,
/// sanitizer reports, timeouts and broken invariants (which trap) are findings.

/// The harness of the chosen target; set once in `LLVMFuzzerInitialize`, before any input.
nonisolated(unsafe) private var harness: (([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    let name = ProcessInfo.processInfo.environment["ALERTGATE_FUZZ_TARGET"] ?? ""
    guard let chosen = FuzzTargets.harnesses[name] else {
        let known = FuzzTargets.harnesses.keys.sorted().joined(separator: " ")
        FileHandle.standardError.write(Data("alertgate-fuzz: set ALERTGATE_FUZZ_TARGET to one of: \(known)\n".utf8))
        _exit(2)  // not exit(): the leak checker would report what is still allocated at exit
    }
    harness = chosen
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    harness?(bytes)
    return 0
}

/// libFuzzer's driver, for the executable's entry point below.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable with `main` aliased to `<module>_main`; with `-parse-as-library`
/// there is no Swift entry point, so this one hands over to libFuzzer's driver.
@_cdecl("alertgate_fuzz_main")
public func alertgateFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, fuzzerTestOneInput)
}
