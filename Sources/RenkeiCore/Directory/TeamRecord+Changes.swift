extension TeamRecord {
    /// Names of the properties that differ from `old`, in declaration order.
    public func changedFields(comparedTo old: TeamRecord) -> [String] {
        zip(Mirror(reflecting: self).children, Mirror(reflecting: old).children).compactMap { new, previous in
            (new.value as? AnyHashable) == (previous.value as? AnyHashable) ? nil : new.label
        }
    }
}
