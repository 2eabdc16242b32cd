import AlertgateCodecs
import AlertgateCore
import Foundation
import Testing

/// Checkly's webhook alerts, as the shipped template (`deploy/checkly/webhook.json`) renders
/// them: the bodies here are made from that file the way Checkly's Handlebars makes them
/// (`{{VAR}}` HTML-escaped, an array as its items joined by commas, a missing variable empty).
@Suite struct ChecklyCodecTests {
    static let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../deploy/checkly/webhook.json").standardized

    /// A failing API check with an error message of the characters templates get wrong.
    static let failing: [String: [String]] = [
        "ALERT_TYPE": ["ALERT_FAILURE"], "ALERT_TITLE": [#"Check "Checkout API" has failed"#],
        "CHECK_ID": ["7f0e3c1a-1d64-4c39-9a3c-4c1f0f6f2b11"], "CHECK_NAME": ["Checkout API"], "CHECK_TYPE": ["API"],
        "CHECK_RESULT_ID": ["b2d1e7a0-5c0e-4f0c-8f55-0e2a1c9d3e44"],
        "CHECK_ERROR_MESSAGE": ["expected 200, got 503 <Service Unavailable>\n\tat step \"GET /cart\" & C:\\checks\\cart.js"],
        "RESPONSE_TIME": ["10024"], "API_CHECK_RESPONSE_STATUS_CODE": ["503"], "RUN_LOCATION": ["N. California"],
        "RESULT_LINK": ["https://app.checklyhq.com/checks/7f0e3c1a/results/b2d1e7a0"], "STARTED_AT": ["2026-12-03T09:14:05.123Z"],
        "TAGS": ["shop", "service:checkout", "api"], "GROUP_NAME": ["Shop"],
    ]

    /// `{{NAME}}` as Handlebars renders it: HTML-escaped, an array joined by commas (a
    /// variable here is a list: one item for a plain value).
    static func render(_ variables: [String: [String]]) throws -> [UInt8] {
        var text = try String(contentsOf: template, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"\{\{([A-Z_]+)\}\}"#)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            let name = String(text[Range(match.range(at: 1), in: text)!])
            let value = variables[name]?.joined(separator: ",") ?? ""
            var escaped = ""
            for character in value {
                switch character {
                case "&": escaped += "&amp;"
                case "<": escaped += "&lt;"
                case ">": escaped += "&gt;"
                case "\"": escaped += "&quot;"
                case "'": escaped += "&#x27;"
                case "`": escaped += "&#x60;"
                case "=": escaped += "&#x3D;"
                default: escaped.append(character)
                }
            }
            text.replaceSubrange(Range(match.range, in: text)!, with: escaped)
        }
        return Array(text.utf8)
    }

    @Test func aFailingCheckIsAnOutageAlertOfItsCheckWithItsErrorLocationAndLink() throws {
        let body = try Self.render(Self.failing)
        #expect((try? JSONSerialization.jsonObject(with: Data(body))) == nil, "the rendered body is not JSON as it stands: a newline and a backslash")
        let signal = try ChecklyCodec().decode(body)
        #expect(signal.kind == .alert && signal.source == .checkly && signal.status == .firing)
        #expect(signal.severity == .critical)
        #expect(signal.service == "checkout")
        #expect(signal.title == #"Check "Checkout API" has failed"#)
        #expect(signal.dedupKey == "checkly:7f0e3c1a-1d64-4c39-9a3c-4c1f0f6f2b11")
        #expect(signal.description == """
            expected 200, got 503 <Service Unavailable>
            \tat step "GET /cart" & C:\\checks\\cart.js
            Location: N. California
            Response time: 10024 ms
            Status code: 503
            """)
        #expect(signal.labels == [
            "check_id": "7f0e3c1a-1d64-4c39-9a3c-4c1f0f6f2b11", "check_name": "Checkout API", "alert_type": "ALERT_FAILURE",
            "check_type": "API", "location": "N. California", "group": "Shop", "status_code": "503",
            "check_result_id": "b2d1e7a0-5c0e-4f0c-8f55-0e2a1c9d3e44", "tags": "shop,service:checkout,api",
        ])
        #expect(signal.links == [SignalLink(href: "https://app.checklyhq.com/checks/7f0e3c1a/results/b2d1e7a0", text: "Checkly result")])
        #expect(signal.occurredAt == RFC3339.parse("2026-12-03T09:14:05.123Z"))
        #expect(signal.sender == "checkly")
    }

    @Test(arguments: [
        ("ALERT_FAILURE", SignalStatus.firing, Severity.critical),
        ("ALERT_FAILURE_REMAIN", .firing, .critical),
        ("ALERT_DEGRADED", .firing, .warning),
        ("ALERT_FAILURE_DEGRADED", .firing, .warning),
        ("ALERT_SSL", .firing, .warning),
        ("ALERT_RECOVERY", .resolved, .info),
        ("ALERT_DEGRADED_RECOVERY", .resolved, .info),
    ])
    func everyAlertTypeFiresOrResolvesTheOneAlertOfItsCheck(type: String, status: SignalStatus, severity: Severity) throws {
        var variables = Self.failing
        variables["ALERT_TYPE"] = [type]
        if status == .resolved { variables["CHECK_ERROR_MESSAGE"] = nil }
        let signal = try ChecklyCodec().decode(try Self.render(variables))
        #expect(signal.status == status && signal.severity == severity)
        #expect(signal.dedupKey == "checkly:7f0e3c1a-1d64-4c39-9a3c-4c1f0f6f2b11", "one identity whatever the type")
        // A body without quotes, newlines or backslashes is JSON as it stands.
        if status == .resolved { #expect((try? JSONSerialization.jsonObject(with: Data(try Self.render(variables)))) != nil) }
    }

    @Test func theServiceIsAServiceTagElseACatalogNameElseTheGroupElseTheCheck() throws {
        var variables = Self.failing
        variables["TAGS"] = ["shop", "payments"]
        #expect(try ChecklyCodec(catalog: ServiceCatalog(services: [.init(name: "payments")])).decode(try Self.render(variables)).service == "payments")
        #expect(try ChecklyCodec().decode(try Self.render(variables)).service == "Shop")
        variables["GROUP_NAME"] = ["cart"]
        #expect(try ChecklyCodec(catalog: ServiceCatalog(services: [.init(name: "cart")])).decode(try Self.render(variables)).service == "cart")
        variables["GROUP_NAME"] = nil
        variables["TAGS"] = []
        #expect(try ChecklyCodec().decode(try Self.render(variables)).service == "Checkout API")
    }

    /// The code and field of the refusal of `body`, nil when it decodes.
    static func refusal(_ body: [UInt8]) -> String? {
        do {
            _ = try ChecklyCodec().decode(body)
            return nil
        } catch {
            return "\(error.code) \(error.field ?? "-")"
        }
    }

    @Test func aBodyItCannotReadIsRefusedNamingTheField() throws {
        var variables = Self.failing
        variables["ALERT_TYPE"] = ["ALERT_SOMETHING"]
        #expect(Self.refusal(try Self.render(variables)) == "invalid_value alert_type")
        variables["ALERT_TYPE"] = ["ALERT_FAILURE"]
        variables["CHECK_ID"] = nil
        #expect(Self.refusal(try Self.render(variables)) == "missing_field check_id")
        variables["CHECK_ID"] = ["abc"]
        variables["STARTED_AT"] = ["yesterday"]
        #expect(Self.refusal(try Self.render(variables)) == "invalid_value started_at")
        #expect(Self.refusal(Array(#"{"alert_type": "ALERT_FAILURE", "check_id": 7}"#.utf8)) == "wrong_type check_id")
        #expect(Self.refusal(Array("alert_type=ALERT_FAILURE".utf8))?.hasPrefix("invalid_json") == true)
    }

    @Test func templatedJSONRepairsOnlyWhatATemplatePastedRawIntoAString() throws {
        // Escapes a body already has stay as they are.
        #expect(try TemplatedJSON.parse(Array(#"{"a": "x\ny \"q\" \\ \u00e9"}"#.utf8)) == .object(["a": .string("x\ny \"q\" \\ é")]))
        // A raw newline, tab and lone backslash inside a string are read as themselves.
        #expect(try TemplatedJSON.parse(Array("{\"a\": \"x\ny\t\\d\"}".utf8)) == .object(["a": .string("x\ny\t\\d")]))
        // Outside strings nothing is repaired.
        #expect(throws: CodecError.self) { try TemplatedJSON.parse(Array("{\"a\": \\ 1}".utf8)) }
        #expect(TemplatedJSON.text("a &lt;b&gt; &quot;c&quot; &#x27;d&#x27; &#x60;e&#x60; f&#x3D;g &amp;amp; &amp;quot;") == "a <b> \"c\" 'd' `e` f=g &amp; &quot;")
    }
}
