/// The stores the end-to-end tests run the server on.
enum StoreKind: String, CaseIterable, Sendable {
  case sqlite
  case postgres
}
