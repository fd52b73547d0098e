extension Node {
    /// The attributes of a node: unique keys, kept in insertion order.
    ///
    /// Order is kept so that encoding is deterministic (Swift dictionaries are randomly ordered per process)
    /// and matches hand-written byte vectors; it does not take part in equality, as on the wire
    /// (protocol reference §3.3). Lookups are linear, which beats hashing for the handful of attributes a
    /// stanza carries.
    ///
    /// ```swift
    /// var attributes: Node.Attributes = ["id": "1", "type": "get"]
    /// attributes["to"] = .jid(.server)   // appended
    /// attributes["type"] = nil           // removed
    /// ```
    public struct Attributes: Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
        /// One attribute.
        public typealias Element = (key: String, value: AttributeValue)

        private var storage: [Element]

        /// Creates an empty attribute list.
        public init() { storage = [] }

        /// Creates attributes from a literal, in the literal's order; a repeated key replaces the earlier value.
        public init(dictionaryLiteral elements: (String, AttributeValue)...) {
            storage = []
            storage.reserveCapacity(elements.count)
            for (key, value) in elements { self[key] = value }
        }

        /// Creates attributes from key-value pairs, in order; a repeated key replaces the earlier value.
        /// - Parameter pairs: The attributes.
        public init(_ pairs: some Sequence<(String, AttributeValue)>) {
            storage = []
            for (key, value) in pairs { self[key] = value }
        }

        /// Creates attributes from a dictionary, sorted by key so that encoding is deterministic.
        /// - Parameter dictionary: The attributes.
        public init(_ dictionary: [String: AttributeValue]) {
            storage = dictionary.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        }

        /// Wraps pairs whose keys are known to be unique (the decoder's output after de-duplication).
        init(uniqueStorage: [Element]) { storage = uniqueStorage }

        /// The attributes as a dictionary.
        public var dictionary: [String: AttributeValue] {
            Dictionary(storage.lazy.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        }

        /// The keys, in order.
        public var keys: [String] { storage.map(\.key) }

        /// The value for `key`; setting `nil` removes the attribute, setting a new key appends it.
        public subscript(key: String) -> AttributeValue? {
            get {
                for element in storage where element.key == key { return element.value }
                return nil
            }
            set {
                let position = storage.firstIndex { $0.key == key }
                switch (position, newValue) {
                case (let position?, let value?): storage[position].value = value
                case (let position?, nil): storage.remove(at: position)
                case (nil, let value?): storage.append((key: key, value: value))
                case (nil, nil): break
                }
            }
        }

        // MARK: Collection

        /// The position of the first attribute.
        public var startIndex: Int { storage.startIndex }
        /// The position after the last attribute.
        public var endIndex: Int { storage.endIndex }
        /// The attribute at `position`.
        public subscript(position: Int) -> Element { storage[position] }
    }
}

extension Node.Attributes: Hashable {
    /// Equal when both hold the same keys with the same values, in any order.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        guard lhs.storage.count == rhs.storage.count else { return false }
        if lhs.storage.count <= 16 {
            return lhs.storage.allSatisfy { rhs[$0.key] == $0.value }
        }
        let other = rhs.dictionary
        return lhs.storage.allSatisfy { other[$0.key] == $0.value }
    }

    /// Hashes independently of order (a commutative sum of per-attribute hashes).
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for element in storage {
            var one = Hasher()
            one.combine(element.key)
            one.combine(element.value)
            sum &+= one.finalize()
        }
        hasher.combine(storage.count)
        hasher.combine(sum)
    }
}

extension Node.Attributes {
    /// Builds attributes from decoded pairs, keeping the last value of a repeated key at its first position.
    ///
    /// Linear for small lists; a hostile stanza with thousands of attributes gets a hash index instead
    /// of quadratic work.
    static func uniquing(_ pairs: [Element]) -> Self {
        if pairs.count <= 16 {
            // Repeated keys never happen in practice: check, and keep the array as is when none repeat.
            var repeated = false
            var later = 1
            while later < pairs.count, !repeated {
                var earlier = 0
                while earlier < later, !repeated {
                    repeated = pairs[earlier].key == pairs[later].key
                    earlier += 1
                }
                later += 1
            }
            guard repeated else { return Self(uniqueStorage: pairs) }
            var result = Self()
            for (key, value) in pairs { result[key] = value }
            return result
        }
        var positions: [String: Int] = [:]
        positions.reserveCapacity(pairs.count)
        var unique: [Element] = []
        unique.reserveCapacity(pairs.count)
        for pair in pairs {
            if let position = positions[pair.key] {
                unique[position].value = pair.value
            } else {
                positions[pair.key] = unique.count
                unique.append(pair)
            }
        }
        return Self(uniqueStorage: unique)
    }
}
