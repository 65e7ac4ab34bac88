/// A JSON object whose members keep the order they were parsed or inserted in.
///
/// Lookup scans the members, newest first, which is the fastest choice for the small objects of
/// JSON-RPC and keeps parsing linear in the size of the input even for a hostile object with
/// thousands of members: a repeated key is not an error, and the last one wins (as in JavaScript).
public struct JSONObject: Sendable, Equatable, Sequence {
    /// The members in order, duplicates included.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// An empty object.
    public init() { members = [] }

    /// An object with these members, in this order.
    public init(_ members: [(String, JSONValue)]) {
        self.members = members.map { (key: $0.0, value: $0.1) }
    }

    /// The number of members, duplicates included.
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The distinct keys, in first-seen order.
    public var keys: [String] {
        var seen = Set<String>()
        return members.compactMap { seen.insert($0.key).inserted ? $0.key : nil }
    }

    /// The value of `key` (the last one if repeated), or nil. Setting nil removes every member
    /// with that key; setting a value replaces the member in place or appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            var index = members.endIndex
            while index > members.startIndex {
                index -= 1
                if members[index].key == key { return members[index].value }
            }
            return nil
        }
        set {
            guard let newValue else {
                members.removeAll { $0.key == key }
                return
            }
            if let index = members.lastIndex(where: { $0.key == key }) {
                members[index].value = newValue
            } else {
                members.append((key: key, value: newValue))
            }
        }
    }

    /// Appends a member without looking for an existing one with the same key.
    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append((key: key, value: value))
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    /// Two objects are equal when they have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        let left = lhs.keys
        guard left.count == rhs.keys.count else { return false }
        return left.allSatisfy { lhs[$0] == rhs[$0] }
    }
}
