import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// An XML element and its children: the S3 API's answers are a few levels of elements holding text.
struct XMLTree: Sendable {
  var name: String
  var text: String
  var children: [XMLTree]

  /// The first child named `name`.
  func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }
  /// Every child named `name`, in order.
  func all(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }
  /// The text of the first child named `name`.
  func text(_ name: String) -> String? { child(name)?.text }

  /// Parses `bytes`; nil when they are not well-formed XML.
  static func parse(_ bytes: [UInt8]) -> XMLTree? {
    let parser = XMLParser(data: Data(bytes))
    let builder = TreeBuilder()
    parser.delegate = builder
    parser.shouldResolveExternalEntities = false
    guard parser.parse(), let root = builder.root else { return nil }
    return root
  }

  private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLTree] = []
    var root: XMLTree?

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
      qualifiedName: String?, attributes: [String: String] = [:]
    ) {
      stack.append(XMLTree(name: elementName, text: "", children: []))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if !stack.isEmpty { stack[stack.count - 1].text += string }
    }

    func parser(
      _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
      qualifiedName: String?
    ) {
      guard let element = stack.popLast() else { return }
      if stack.isEmpty {
        root = element
      } else {
        stack[stack.count - 1].children.append(element)
      }
    }
  }
}
