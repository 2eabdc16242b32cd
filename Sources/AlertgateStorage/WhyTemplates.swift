import GRDB
import Synchronization

/// The rows of `why_templates` by value (for the writer) and by id (for readers). Rows are
/// only ever added, never changed or deleted, so what a reader cached stays true. The writer's
/// map is forgotten after a rollback (`writerRolledBack`): it may name rows that were never
/// committed. Either map starts over past `limit` entries; a miss costs one indexed query.
final class WhyTemplates: Sendable {
    private let idsByTemplate = Mutex<[WhyTemplate: Int64]>([:])
    private let templatesByID = Mutex<[Int64: WhyTemplate]>([:])
    static let limit = 10_000

    /// The id of `template`, its row added in the writer's transaction `db` when new.
    func id(of template: WhyTemplate, in db: Database) throws -> Int64 {
        if let id = idsByTemplate.withLock({ $0[template] }) { return id }
        let arguments: StatementArguments = [template.rule, template.window, template.windowSeconds, template.detail]
        let id: Int64
        if let found = try Int64.fetchOne(db, sql: """
            SELECT id FROM why_templates WHERE detail = ? AND rule = ? AND window IS ? AND window_seconds IS ?
            """, arguments: [template.detail, template.rule, template.window, template.windowSeconds]) {
            id = found
        } else {
            try db.execute(sql: "INSERT INTO why_templates (rule, window, window_seconds, detail) VALUES (?, ?, ?, ?)", arguments: arguments)
            id = db.lastInsertedRowID
        }
        idsByTemplate.withLock { ids in
            if ids.count >= Self.limit { ids.removeAll() }
            ids[template] = id
        }
        return id
    }

    func writerRolledBack() {
        idsByTemplate.withLock { $0.removeAll() }
    }

    /// The template of id `id`, read through `db` when not cached.
    func template(id: Int64, in db: Database) throws -> WhyTemplate {
        if let template = templatesByID.withLock({ $0[id] }) { return template }
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM why_templates WHERE id = ?", arguments: [id]) else {
            throw StoreError.corruptRow("a signal's why names template \(id), which does not exist")
        }
        let template = WhyTemplate(rule: row["rule"], window: row["window"], windowSeconds: row["window_seconds"], detail: row["detail"])
        templatesByID.withLock { templates in
            if templates.count >= Self.limit { templates.removeAll() }
            templates[id] = template
        }
        return template
    }
}
