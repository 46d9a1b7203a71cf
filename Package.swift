// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "mlx",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "mlx", targets: ["mlx"]),
    .library(name: "MLXCore", targets: ["MLXCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    // Tests only: property-based fuzzing of the parsers (ParserFuzzTests).
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
  ],
  targets: [
    // MARK: C libraries, found with pkg-config (Debian: libgit2-dev, libzstd-dev, libpcre2-dev)

    /** libgit2: every Git read and write mlx makes. */
    .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
    /** zstd: compression of stored objects. */
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
    /** PCRE2 with its JIT: the `pattern` constraints of Table Schemas, matched per cell. */
    .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
    /** Linux calls glibc declares only under _GNU_SOURCE (O_DIRECT, sync_file_range). */
    .target(name: "CLinuxShims"),

    // MARK: Core library: object store, Git access, pointers, work tree

    /** Everything mlx does; the executable only parses arguments and prints. The S3 remote
        is async-http-client with mlx's own Signature Version 4 (no AWS SDK). */
    .target(
      name: "MLXCore",
      dependencies: [
        "CGit2",
        "CZstd",
        "CPCRE2",
        "CLinuxShims",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
    ),

    // MARK: Thin executable

    /** The `mlx` command line. */
    .executableTarget(
      name: "mlx",
      dependencies: [
        "MLXCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: Tests

    /** Helpers shared by the tests (never linked into `mlx`): temporary directories, stock
        `git` to cross-check what mlx wrote through libgit2, `runMLX`, and moto's S3 server
        with a fault-injecting proxy (`s3_server.py`). */
    .target(
      name: "MLXTestSupport", path: "Tests/MLXTestSupport",
      exclude: [
        "s3_server.py", "pandera_validate.py", "drift_reference.py", "profile_reference.py",
      ]),
    .testTarget(
      name: "MLXCoreTests",
      dependencies: [
        "MLXCore", "MLXTestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      // Read through #filePath, as data, not bundled.
      exclude: ["Fixtures/aws-sig-v4-test-suite", "Fixtures/malformed"]),
    .testTarget(
      name: "MLXEndToEndTests", dependencies: ["mlx", "MLXTestSupport"],
      // Read through #filePath, as data, not bundled.
      exclude: ["Fixtures"]),
  ]
)
