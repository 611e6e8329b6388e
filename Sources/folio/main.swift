import FolioCLI

#if canImport(Glibc)
  import Glibc
#endif

let status = await Folio.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status)
