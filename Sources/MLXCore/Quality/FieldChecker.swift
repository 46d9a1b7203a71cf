#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// The checks a schema field makes on one cell, prepared once: bounds and enum values read
/// as the field's type, the pattern compiled.
///
/// What every cell needs (type, bounds, required, unique) is plain values, copied into the
/// loop over cells without reference counting; enum, pattern and length checks, which few
/// fields have, live in an ``Extra`` the reader keeps beside it.
struct FieldChecker {
  let type: TableSchema.FieldType
  let minimum: FieldValue?
  let maximum: FieldValue?
  /// A missing value fails (`required`, or part of the primary key).
  let required: Bool
  /// Values must be distinct (the field's `unique`, or a one-field primary key).
  let unique: Bool
  /// Whether the cell must be UTF-8 (text fields, and fields with a pattern).
  let checksEncoding: Bool
  /// Whether the field has enum, pattern or length checks (its ``Extra``).
  let hasExtra: Bool

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

  /// Enum, pattern and length checks.
  final class Extra {
    let textValues: [[UInt8]]?
    /// The text values packed in integers (``packed(_:)``), sorted, when every one is short
    /// enough: a cell is then looked up by a binary search instead of compared with each.
    let packedTextValues: [UInt64]?
    let typedValues: [FieldValue]?
    let pattern: TextPattern?
    let minLength: Int?
    let maxLength: Int?

    init(_ field: TableSchema.Field) {
      let constraints = field.constraints
      let isText = field.type == .string || field.type == .any
      textValues = isText ? constraints.enumeration.map { $0.map { Array($0.utf8) } } : nil
      packedTextValues = textValues.flatMap { values in
        let packed = values.map { $0.withUnsafeBytes(Self.packed) }
        return packed.contains(nil) ? nil : packed.compactMap { $0 }.sorted()
      }
      typedValues =
        isText
        ? nil
        : constraints.enumeration.map {
          $0.compactMap { FieldValue.parse(Array($0.utf8), as: field.type) }
        }
      pattern = constraints.pattern.flatMap { try? TextPattern($0) }
      minLength = constraints.minLength
      maxLength = constraints.maxLength
    }

    /// Byte equality, lengths first.
    @inline(__always)
    static func equal(_ bytes: [UInt8], _ cell: UnsafeRawBufferPointer) -> Bool {
      guard bytes.count == cell.count else { return false }
      guard !bytes.isEmpty, let base = cell.baseAddress else { return true }
      return bytes.withUnsafeBytes { memcmp($0.baseAddress!, base, cell.count) == 0 }
    }

    /// Up to 7 bytes and their count in one integer (the count in the top byte), so that
    /// two short texts are equal exactly when their packed forms are; nil for longer texts.
    @inline(__always)
    static func packed(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
      guard bytes.count < 8 else { return nil }
      var value = UInt64(bytes.count) << 56
      for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << (index * 8) }
      return value
    }

    /// Whether `cell` is one of the enum's text values.
    @inline(__always)
    private func isTextValue(_ cell: UnsafeRawBufferPointer, of textValues: [[UInt8]]) -> Bool {
      guard let packedTextValues else { return textValues.contains { Self.equal($0, cell) } }
      guard let key = Self.packed(cell) else { return false }
      var (low, high) = (0, packedTextValues.count)
      while low < high {
        let middle = (low + high) / 2
        if packedTextValues[middle] < key { low = middle + 1 } else { high = middle }
      }
      return low < packedTextValues.count && packedTextValues[low] == key
    }

    func check(_ cell: UnsafeRawBufferPointer, value: FieldValue) -> Failure? {
      if let textValues, !isTextValue(cell, of: textValues) { return .enumeration }
      if let typedValues, !typedValues.contains(value) { return .enumeration }
      if minLength != nil || maxLength != nil {
        // Characters as Table Schema counts them: Unicode code points.
        let length = cell.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        if let minLength, length < minLength { return .minLength }
        if let maxLength, length > maxLength { return .maxLength }
      }
      if let pattern, !pattern.matches(cell) { return .pattern }
      return nil
    }
  }

  init(_ field: TableSchema.Field, required: Bool, unique: Bool) {
    type = field.type
    let constraints = field.constraints
    minimum = constraints.minimum.flatMap { FieldValue.parse(Array($0.utf8), as: field.type) }
    maximum = constraints.maximum.flatMap { FieldValue.parse(Array($0.utf8), as: field.type) }
    self.required = required
    self.unique = unique
    checksEncoding = field.type == .string || field.type == .any || constraints.pattern != nil
    hasExtra =
      constraints.enumeration != nil || constraints.pattern != nil
      || constraints.minLength != nil || constraints.maxLength != nil
  }

  /// The first check the cell fails, or nil. `cell` is not a missing value; `extra` is the
  /// field's when ``hasExtra``.
  @inline(__always)
  func check(_ cell: UnsafeRawBufferPointer, extra: Extra?) -> Failure? {
    guard let value = FieldValue.parse(cell, as: type) else { return .type }
    if let minimum, let order = FieldValue.compare(value, minimum), order < 0 { return .minimum }
    if let maximum, let order = FieldValue.compare(value, maximum), order > 0 { return .maximum }
    // Text must be UTF-8; bytes below 0x80 always are.
    if checksEncoding, cell.contains(where: { $0 >= 0x80 }),
      String(validating: cell, as: UTF8.self) == nil
    {
      return .encoding
    }
    return extra?.check(cell, value: value)
  }

  /// Whether a JSON value of `kind` can be of the field's type: numbers for integer and
  /// number, `true`/`false` for boolean, strings for string, date and datetime; anything for
  /// any.
  @inline(__always)
  func accepts(_ kind: DelimitedText.Field.Kind) -> Bool {
    switch type {
    case .any: true
    case .integer, .number: kind == .number
    case .boolean: kind == .literal
    case .string, .date, .datetime: kind == .string
    }
  }

  /// How a failure of `field` reads in a report: `type integer`, `minimum 0`, `enum [a, b]`, …
  static func detail(_ failure: Failure, of field: TableSchema.Field) -> String {
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
