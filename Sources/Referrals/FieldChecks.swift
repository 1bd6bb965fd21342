import Foundation

/// Collects the fields at fault while a form is checked, so that all of them are reported
/// in one answer, and holds the checks that several fields share.
struct FieldChecks {
    var fields: [ReferralsError.Field] = []

    mutating func fail(_ pointer: String, _ message: String) {
        self.fields.append(.init(pointer, message))
    }

    /// Trimmed text that must be present and at most `max` characters; nil when it fails.
    mutating func text(_ value: String?, _ pointer: String, max: Int) -> String? {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            self.fail(pointer, "is required")
            return nil
        }
        if trimmed.count > max {
            self.fail(pointer, "must be at most \(max) characters")
            return nil
        }
        return trimmed
    }

    /// A value that must be present.
    mutating func required<Value>(_ value: Value?, _ pointer: String) -> Value? {
        if value == nil { self.fail(pointer, "is required") }
        return value
    }

    /// One of an enumeration's raw values; the message lists them.
    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ value: String?, _ type: Value.Type, _ pointer: String
    ) -> Value? where Value.RawValue == String {
        guard let value else {
            self.fail(pointer, "is required")
            return nil
        }
        guard let chosen = Value(rawValue: value) else {
            let names = Value.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            self.fail(pointer, "must be one of \(names)")
            return nil
        }
        return chosen
    }

    /// A UUID in text form.
    mutating func uuid(_ value: String?, _ pointer: String) -> UUID? {
        guard let value, !value.isEmpty else {
            self.fail(pointer, "is required")
            return nil
        }
        guard let id = UUID(uuidString: value) else {
            self.fail(pointer, "must be an id (a UUID)")
            return nil
        }
        return id
    }

    /// A `YYYY-MM-DD` date no later than `today`.
    mutating func pastDate(
        _ value: String?, _ pointer: String, today: CalendarDate
    ) -> CalendarDate? {
        guard let value else {
            self.fail(pointer, "is required")
            return nil
        }
        guard let date = CalendarDate(iso: value) else {
            self.fail(pointer, "must be a date written YYYY-MM-DD")
            return nil
        }
        guard date <= today else {
            self.fail(pointer, "must not be in the future")
            return nil
        }
        return date
    }
}
