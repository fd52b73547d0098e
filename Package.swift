// swift-tools-version:6.2
import PackageDescription

// One settings array for every target (see style/swift-server-style.md §3.1).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "wagate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wagate", targets: ["wagate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // MARK: C libraries from Debian (pkg-config + apt providers)
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"]), .brew(["libsodium"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        .systemLibrary(
            name: "CSignalProtocol", pkgConfig: "libsignal-protocol-c",
            providers: [.apt(["libsignal-protocol-c-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"]), .brew(["qrencode"])]),

        // MARK: Libraries, in the one direction of dependencies
        .target(
            name: "WAGateCrypto",
            dependencies: ["CSodium", "COpenSSL"],
            swiftSettings: swiftSettings),
        .target(
            name: "WABinary",
            dependencies: ["CZlib"],
            swiftSettings: swiftSettings),
        .target(
            name: "WAWeb",
            dependencies: ["WABinary", "WAGateCrypto"],
            swiftSettings: swiftSettings),
        .target(
            name: "WAGateStore",
            dependencies: [
                "CLibPQ", "WAGateCrypto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "WAGateCore",
            dependencies: [
                "WAGateStore", "WAGateCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "WAGateControl",
            dependencies: [
                "WAGateCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "wagate",
            dependencies: [
                "WAGateControl", "WAGateCore", "WAGateStore", "WAGateCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),

        // MARK: Tests
        .target(
            name: "WAGateTestSupport",
            dependencies: ["WAGateStore", "CLibPQ"],
            path: "Tests/WAGateTestSupport",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WAGateCryptoTests", dependencies: ["WAGateCrypto", "CSignalProtocol", "CQREncode"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WABinaryTests", dependencies: ["WABinary"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WAWebTests", dependencies: ["WAWeb", "WAGateCrypto", "WABinary"],
            exclude: ["Interop/noise_responder.py"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WAGateStoreTests", dependencies: ["WAGateStore", "WAGateTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WAGateCoreTests",
            dependencies: [
                "WAGateCore", "WAGateTestSupport",
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WAGateControlTests",
            dependencies: [
                "WAGateControl", "WAGateCore", "WAGateTestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EndToEndTests", dependencies: ["WAGateTestSupport", "WAGateCore"],
            swiftSettings: swiftSettings),
    ]
)
