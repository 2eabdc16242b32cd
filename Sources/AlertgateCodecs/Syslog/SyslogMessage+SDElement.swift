extension SyslogMessage {
    /// One RFC 5424 structured-data element, `[id name="value" ...]`, with its parameters in
    /// wire order and their values unescaped. A name may repeat (RFC 5424 allows it).
    public struct SDElement: Hashable, Sendable {
        /// The SD-ID, e.g. `timeQuality` or `exampleSDID@32473`.
        public var id: String
        /// The parameters as (name, value) pairs, in the order they were sent.
        public var params: [(name: String, value: String)]

        /// An element with its SD-ID and (name, value) parameters.
        public init(id: String, params: [(name: String, value: String)] = []) {
            self.id = id
            self.params = params
        }

        /// The first value sent for `name`, if any.
        public func value(of name: String) -> String? {
            params.first(where: { $0.name == name })?.value
        }

        /// Equal when the ids and the parameters, in order, are equal.
        public static func == (lhs: SDElement, rhs: SDElement) -> Bool {
            lhs.id == rhs.id && lhs.params.elementsEqual(rhs.params, by: { $0.name == $1.name && $0.value == $1.value })
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(id)
            for param in params {
                hasher.combine(param.name)
                hasher.combine(param.value)
            }
        }
    }
}
