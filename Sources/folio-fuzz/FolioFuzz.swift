#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

#if FOLIO_LIBFUZZER
  /// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links): runs the fuzzing loop
  /// with the command line's options, calling `callback` with each input.
  @_silgen_name("LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  /// The target this process fuzzes; set once, before libFuzzer starts.
  nonisolated(unsafe) private var selectedTarget = FuzzTarget.changeJSON

  /// libFuzzer's entry point, which its runtime references even when `main` below drives it.
  @_cdecl("LLVMFuzzerTestOneInput")
  func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    selectedTarget.run(UnsafeBufferPointer(start: data, count: count))
    return 0
  }
#endif

/// `folio-fuzz TARGET [libFuzzer options] [corpus folders]`: the libFuzzer targets of
/// Folio's readers. Built only by `script/fuzz` (release, `-sanitize=fuzzer,address`,
/// `-DFOLIO_LIBFUZZER`); the ordinary build makes a stub that says so.
@main
enum FolioFuzz {
  static func main() {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
      let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
      print("usage: folio-fuzz TARGET [libFuzzer options] [corpus…]; targets: \(names)")
      exit(2)
    }
    #if FOLIO_LIBFUZZER
      selectedTarget = target
      // libFuzzer reads its own options: give it the command line without the target.
      var argv = Array(UnsafeBufferPointer(start: CommandLine.unsafeArgv, count: arguments.count))
      argv.remove(at: 1)
      var argc = CInt(argv.count)
      argv.append(nil)
      let status = argv.withUnsafeMutableBufferPointer { buffer in
        var pointer = buffer.baseAddress
        return LLVMFuzzerRunDriver(&argc, &pointer, fuzzOneInput)
      }
      exit(status)
    #else
      print("folio-fuzz \(target.rawValue): this build has no libFuzzer; run script/fuzz")
      exit(2)
    #endif
  }
}
