import AlertgateCore
import AlertgateStorage
import NIOCore
import PostgresNIO

/// `alertgate db copy`: an SQLite database, read at one moment, into this empty PostgreSQL
/// database, in one transaction (a copy that fails leaves nothing behind), checked by counting
/// after it commits.
extension PostgresStore {
    /// Copies every table of `source` and returns the checks; throws, having written nothing,
    /// when this database already holds alertgate rows.
    package func importCopy(of source: PortableSnapshot, progress: @Sendable (DatabaseCopyProgress) -> Void) async throws -> [DatabaseCopyCheck] {
        let tables = PortableTable.all
        let totals = try tables.map { try source.count($0) }
        try await inTransaction { connection in
            let present = try await count(on: connection, tables.map { "(SELECT count(*) FROM \($0.name))" }.joined(separator: " + "))
            guard present == 0 else {
                throw StoreError.database("it already holds \(present) alertgate rows: copy into an empty database")
            }
            var state = DatabaseCopyProgress(table: "", copied: 0, total: 0, copiedInAll: 0, totalInAll: totals.reduce(0, +))
            for (table, total) in zip(tables, totals) {
                state.table = table.name
                state.copied = 0
                state.total = total
                progress(state)
                guard let keys = try source.keys(table) else { continue }
                let types = try await columnTypes(table, on: connection)
                var low = keys.lowerBound
                while low <= keys.upperBound {
                    let high = low + min(table.pageKeys - 1, keys.upperBound - low)
                    let rows = try source.rows(table, keys: low...high)
                    if !rows.isEmpty {
                        try await connection.query(try Self.insert(rows, into: table, types: types), logger: logger)
                        state.copied += rows.count
                        state.copiedInAll += rows.count
                        progress(state)
                    }
                    if high == keys.upperBound { break }
                    low = high + 1
                }
            }
            for (table, column) in [("payloads", "id"), ("timeline", "id"), ("transitions", "seq"), ("notifications", "id"),
                                    ("silences", "id"), ("audit", "id")] {
                try await connection.query(PostgresQuery(unsafeSQL: """
                    SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce(max(\(column)), 0) + 1, false) FROM \(table)
                    """), logger: logger)
            }
        }
        var checks: [DatabaseCopyCheck] = []
        for (table, total) in zip(tables, totals) {
            checks.append(DatabaseCopyCheck(what: table.name, source: Int64(total),
                                    copied: try await count(on: nil, "(SELECT count(*) FROM \(table.name))")))
        }
        let derived = try source.derivedCounts()
        checks.append(DatabaseCopyCheck(what: "incident_services (derived)", source: Int64(derived.incidentServices),
                                copied: try await count(on: nil, "(SELECT count(*) FROM incident_services)")))
        checks.append(DatabaseCopyCheck(what: "payload bytes stored", source: derived.payloadBytes,
                                copied: try await count(on: nil, "(SELECT coalesce(sum(octet_length(data)), 0) FROM payloads)")))
        return checks
    }

    private func count(on connection: PostgresConnection?, _ expression: String) async throws -> Int64 {
        let query = PostgresQuery(unsafeSQL: "SELECT (\(expression))::bigint")
        let rows = if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        for try await count in rows.decode(Int64.self) { return count }
        return 0
    }

    /// The PostgreSQL type of each of the table's columns, by name.
    private func columnTypes(_ table: PortableTable, on connection: PostgresConnection) async throws -> [String: String] {
        var types: [String: String] = [:]
        let rows = try await connection.query("""
            SELECT column_name::text, data_type::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table.name)
            """, logger: logger)
        for try await (name, type) in rows.decode((String, String).self) { types[name] = type }
        return types
    }

    /// One statement for a page of rows: each column bound as one array of its type.
    static func insert(_ rows: [[PortableValue]], into table: PortableTable, types: [String: String]) throws -> PostgresQuery {
        var binds = PostgresBindings()
        for (index, column) in table.columns.enumerated() {
            let values = rows.map { $0[index] }
            func wrong(_ value: PortableValue) -> StoreError {
                StoreError.corruptRow("\(table.name).\(column) holds \(value), not a \(types[column] ?? "known type")")
            }
            /// The column as an array of `Element`, NULLs kept; a value `convert` refuses is a corrupt row.
            func array<Element>(_ convert: (PortableValue) -> Element?) throws(StoreError) -> NullableArray<Element> {
                NullableArray(try values.map { value throws(StoreError) -> Element? in
                    if value == .null { return nil }
                    guard let converted = convert(value) else { throw wrong(value) }
                    return converted
                })
            }
            switch types[column] {
            case "bigint", "integer", "smallint":
                binds.append(try array { if case .integer(let integer) = $0 { integer } else { nil } })
            case "boolean":
                binds.append(try array { if case .integer(let integer) = $0 { integer != 0 } else { nil } })
            case "text":
                binds.append(try array { if case .text(let text) = $0 { text } else { nil } })
            case "bytea":
                binds.append(try array { if case .blob(let bytes) = $0 { ByteBuffer(bytes: bytes) } else { nil } })
            default:
                throw StoreError.database("\(table.name).\(column) is not a column of this database (\(types[column] ?? "missing"))")
            }
        }
        let parameters = (1...table.columns.count).map { "$\($0)" }.joined(separator: ", ")
        return PostgresQuery(unsafeSQL: """
            INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) SELECT * FROM unnest(\(parameters))
            """, binds: binds)
    }
}
