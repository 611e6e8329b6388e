// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Folio",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "folio", targets: ["folio"]),
    .executable(name: "folio-server", targets: ["folio-server"]),
    .executable(name: "folio-bench", targets: ["folio-bench"]),
    .library(name: "FolioModel", targets: ["FolioModel"]),
    .library(name: "FolioArticles", targets: ["FolioArticles"]),
    .library(name: "FolioServer", targets: ["FolioServer"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
    .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
  ],
  targets: [
    .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
    .target(name: "FolioSQLite", dependencies: ["CSQLite"]),
    // The shared core: changes, merge rules, clock, vectors, canonical JSON, protocol
    // messages, validation. The server links only this.
    .target(name: "FolioModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
    // Client-side article formats, anchoring and exports.
    .target(name: "FolioArticles", dependencies: ["FolioModel"]),
    .target(name: "FolioReplica", dependencies: ["FolioModel", "FolioArticles", "FolioSQLite"]),
    .target(
      name: "FolioSync",
      dependencies: [
        "FolioModel", "FolioReplica",
        // HTTP without FoundationNetworking: that module loads libcurl and ~30 shared
        // libraries at every start of `folio` (12 ms of a 13 ms start, measured), whether
        // or not the command syncs.
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "CompressNIO", package: "compress-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]),
    .target(
      name: "FolioCLI",
      dependencies: [
        "FolioModel", "FolioArticles", "FolioReplica", "FolioSQLite", "FolioSync",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Rainbow", package: "Rainbow"),
      ]),
    .executableTarget(
      name: "folio", dependencies: ["FolioCLI"],
      // The static standard library's link line exports every public symbol of every module
      // (32,000), which the loader then hashes and the runtime's dladdr scans at each start:
      // 0.6 ms of a 14 ms `folio show`. Nothing looks the executable's own symbols up.
      linkerSettings: [
        .unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(configuration: .release))
      ]),
    .target(
      name: "FolioServer",
      dependencies: [
        "FolioModel", "FolioSQLite",
        .product(name: "Hummingbird", package: "hummingbird"),
        // HTTP1Channel, wrapped by TimedHTTP1Channel; already Hummingbird's.
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        // The connection-level body limit (BodySizeLimitHandler); already Hummingbird's.
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "CompressNIO", package: "compress-nio"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]),
    .executableTarget(
      name: "folio-server",
      dependencies: [
        "FolioServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]),
    // Measurement only (see README, "Benchmarks"); run in release with script/bench.
    .executableTarget(
      name: "folio-bench",
      dependencies: [
        "FolioModel", "FolioArticles", "FolioReplica", "FolioSQLite", "FolioSync",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // libFuzzer targets of the readers; a real fuzzer only as built by script/fuzz.
    .executableTarget(name: "folio-fuzz", dependencies: ["FolioModel", "FolioArticles"]),
    .testTarget(name: "FolioSQLiteTests", dependencies: ["FolioSQLite"]),
    // The test kit of Protocol/vectors/changes, read by the model, server and replica tests.
    .target(name: "ProtocolVectors", path: "Tests/ProtocolVectors"),
    // Test support shared by the server and end-to-end tests (the tests' PostgreSQL).
    .target(name: "FolioTestSupport", dependencies: ["FolioModel"], path: "Tests/FolioTestSupport"),
    .testTarget(name: "FolioModelTests", dependencies: ["FolioModel", "ProtocolVectors"]),
    .testTarget(
      name: "FolioArticlesTests", dependencies: ["FolioArticles", "FolioModel"],
      exclude: ["AnchoringCorpus"]),
    .testTarget(
      name: "FolioReplicaTests",
      dependencies: [
        "FolioReplica", "FolioArticles", "FolioModel", "FolioSQLite", "ProtocolVectors",
      ],
      exclude: ["Fixtures"]),
    // The sync client against an in-memory replica and a stand-in server: FolioReplica only
    // for its value types (Remote, ApplyReport, ReplicaError); no SQLite file is opened.
    .testTarget(
      name: "FolioSyncTests",
      dependencies: ["FolioSync", "FolioReplica", "FolioModel", "FolioTestSupport"]),
    .testTarget(
      name: "FolioCLITests",
      dependencies: [
        "FolioCLI", "FolioReplica", "FolioArticles", "FolioModel", "FolioSQLite",
        "FolioTestSupport",
      ]),
    .testTarget(
      name: "FolioServerTests",
      dependencies: [
        "FolioServer", "FolioModel", "FolioSQLite", "ProtocolVectors", "FolioTestSupport",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "CompressNIO", package: "compress-nio"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      // Databases written by the server of protocol 1, for the upgrade tests.
      exclude: ["Fixtures"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "FolioModel", "FolioArticles", "FolioSQLite", "FolioTestSupport", "folio", "folio-server",
      ]),
    .testTarget(
      name: "FolioBenchTests", dependencies: ["folio-bench", "folio", "folio-server"]),
  ],
  swiftLanguageModes: [.v6]
)
