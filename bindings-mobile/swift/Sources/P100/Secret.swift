// Hand-written (not generated): the Swift side of the core's `SecretString`.
import Foundation

/// A secret text: card number, CVV, PIN, document number, date of birth, API key, raw webhook
/// body.
///
/// `description`, `debugDescription` and the reflection mirror never show the value (they are
/// `Secret([REDACTED])`), so a model printed with `print`, `dump` or string interpolation never
/// leaks one. Read the value with ``reveal()``, and only where it is needed (a secure card
/// screen, the request that sends it).
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    /// Wraps a secret.
    public init(_ value: String) {
        self.value = value
    }

    /// The secret text. Take care where it goes.
    public func reveal() -> String {
        value
    }

    /// True when the secret is empty.
    public var isEmpty: Bool {
        value.isEmpty
    }

    public var description: String {
        "Secret([REDACTED])"
    }

    public var debugDescription: String {
        "Secret([REDACTED])"
    }

    public var customMirror: Mirror {
        Mirror(self, children: [], displayStyle: .struct)
    }

    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        lhs.value == rhs.value
    }

    /// The hash does not depend on the value.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(0)
    }
}

extension Secret: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self.init(value)
    }
}
