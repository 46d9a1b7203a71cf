public enum MLXVersion { public static let current = "0.1.0" }
