/// The checks a schema field makes on one cell, prepared once (bounds and enum values read
/// as the field's type, the pattern compiled).
struct FieldChecker {
  let field: TableSchema.Field
  let index: Int
  private let minimum: FieldValue?
  private let maximum: FieldValue?
  private let textEnumeration: Set<[UInt8]>?
  private let typedEnumeration: [FieldValue]?
  private let pattern: Regex<AnyRegexOutput>?
  private let needsLength: Bool
  /// Whether values must be distinct (the field's `unique`, or a one-field primary key).
  let unique: Bool

  /// The kinds of failure a cell can have, each a ``ValidationFailure/check``.
  enum Failure: Int, CaseIterable {
    case type, required, minimum, maximum, enumeration, pattern, minLength, maxLength, encoding

    var name: String {
      switch self {
      case .enumeration: "enum"
      default: "\(self)"
      }
    }
  }

  init(_ field: TableSchema.Field, index: Int, unique: Bool) {
    self.field = field
    self.index = index
    self.unique = unique
    let constraints = field.constraints
    minimum = constraints.minimum.flatMap { FieldValue.parse(Array($0.utf8), as: field.type) }
    maximum = constraints.maximum.flatMap { FieldValue.parse(Array($0.utf8), as: field.type) }
    switch field.type {
    case .string, .any:
      textEnumeration = constraints.enumeration.map { Set($0.map { Array($0.utf8) }) }
      typedEnumeration = nil
    default:
      textEnumeration = nil
      typedEnumeration = constraints.enumeration.map {
        $0.compactMap { FieldValue.parse(Array($0.utf8), as: field.type) }
      }
    }
    pattern = constraints.pattern.flatMap { try? Regex($0) }
    needsLength = constraints.minLength != nil || constraints.maxLength != nil
  }

  /// The first check the cell fails, or nil. `cell` is not a missing value.
  func check(_ cell: UnsafeRawBufferPointer) -> Failure? {
    guard let value = FieldValue.parse(cell, as: field.type) else { return .type }
    if let minimum, let order = FieldValue.compare(value, minimum), order < 0 { return .minimum }
    if let maximum, let order = FieldValue.compare(value, maximum), order > 0 { return .maximum }
    if let textEnumeration, !textEnumeration.contains(Array(cell)) { return .enumeration }
    if let typedEnumeration, !typedEnumeration.contains(value) { return .enumeration }
    let isText = field.type == .string || field.type == .any
    if isText || pattern != nil {
      // Text must be UTF-8; bytes below 0x80 always are.
      if cell.contains(where: { $0 >= 0x80 }), String(validating: cell, as: UTF8.self) == nil {
        return .encoding
      }
    }
    if needsLength {
      // Characters as Table Schema counts them: Unicode code points.
      let length = cell.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
      if let least = field.constraints.minLength, length < least { return .minLength }
      if let most = field.constraints.maxLength, length > most { return .maxLength }
    }
    if let pattern {
      let text = String(decoding: cell, as: UTF8.self)
      if (try? pattern.wholeMatch(in: text)) == nil { return .pattern }
    }
    return nil
  }

  /// How a failure reads in a report: `type integer`, `minimum 0`, `enum [a, b]`, …
  func detail(_ failure: Failure) -> String {
    let constraints = field.constraints
    switch failure {
    case .type: return "type \(field.type.rawValue)"
    case .required: return "required"
    case .minimum: return "minimum \(constraints.minimum ?? "")"
    case .maximum: return "maximum \(constraints.maximum ?? "")"
    case .enumeration: return "enum [\((constraints.enumeration ?? []).joined(separator: ", "))]"
    case .pattern: return "pattern \(constraints.pattern ?? "")"
    case .minLength: return "minLength \(constraints.minLength ?? 0)"
    case .maxLength: return "maxLength \(constraints.maxLength ?? 0)"
    case .encoding: return "encoding UTF-8"
    }
  }
}
