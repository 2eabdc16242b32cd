/// The last value seen for each id, in first-seen order: the writer stores each alert and
/// incident of a batch once. Values stay in one array (replaced in place) rather than in a
/// dictionary's values, which the writer's profile showed being copied on every insert and sort.
package struct LatestByID<Value> {
    private var values: [Value] = []
    private var positions: [Int64: Int] = [:]

    /// Keeps `value` for `id`; `merge` makes the kept value of it and the one it replaces.
    package init() {}

    package mutating func set(_ value: consuming Value, id: Int64, merge: (_ newer: Value, _ older: Value) -> Value = { newer, _ in newer }) {
        if let position = positions[id] {
            values[position] = merge(value, values[position])
        } else {
            positions[id] = values.count
            values.append(value)
        }
    }

    /// The values ascending by `id` (ids mostly arrive ascending already).
    package func sorted(by id: (Value) -> Int64) -> [Value] {
        // Already in order, the array is shared as it is rather than copied value by value.
        if values.indices.dropFirst().allSatisfy({ id(values[$0 - 1]) < id(values[$0]) }) { return values }
        return values.sorted { id($0) < id($1) }
    }
}
