/// An order placed from the account's catalog.
public struct OrderContent: Sendable, Hashable, Codable {
    /// One line of the order.
    public struct Item: Sendable, Hashable, Codable {
        /// The product's retailer id.
        public var productID: String
        /// How many.
        public var quantity: Int
        /// Price of one, as a decimal string in `currency`.
        public var itemPrice: String?
        /// ISO 4217 currency code.
        public var currency: String?

        /// Creates a line.
        public init(productID: String, quantity: Int, itemPrice: String? = nil, currency: String? = nil) {
            self.productID = productID
            self.quantity = quantity
            self.itemPrice = itemPrice
            self.currency = currency
        }
    }

    /// The catalog it came from.
    public var catalogID: String?
    /// The note the customer wrote.
    public var text: String?
    /// The lines.
    public var items: [Item]

    /// Creates an order.
    public init(catalogID: String? = nil, text: String? = nil, items: [Item]) {
        self.catalogID = catalogID
        self.text = text
        self.items = items
    }
}
