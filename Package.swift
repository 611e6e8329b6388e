// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Folio",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "folio", targets: ["folio"]),
    .library(name: "FolioModel", targets: ["FolioModel"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
    .target(name: "FolioSQLite", dependencies: ["CSQLite"]),
    .target(name: "FolioModel"),
    .target(name: "FolioReplica", dependencies: ["FolioModel", "FolioSQLite"]),
    .target(name: "FolioSync", dependencies: ["FolioModel", "FolioReplica"]),
    .target(
      name: "FolioCLI",
      dependencies: [
        "FolioModel", "FolioReplica", "FolioSync",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "folio", dependencies: ["FolioCLI"]),
    .testTarget(name: "FolioSQLiteTests", dependencies: ["FolioSQLite"]),
    .testTarget(name: "FolioModelTests", dependencies: ["FolioModel"]),
    .testTarget(name: "FolioReplicaTests", dependencies: ["FolioReplica", "FolioModel"]),
    .testTarget(
      name: "FolioCLITests", dependencies: ["FolioCLI", "FolioReplica", "FolioModel", "FolioSQLite"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: ["FolioModel", "FolioSQLite", "folio", "folio-server"]),
  ],
  swiftLanguageModes: [.v6]
)
