/// The facility half of a syslog PRI (PRI = facility × 8 + severity), with the names
/// rsyslog and util-linux `logger` use.
public enum SyslogFacility: Int, CaseIterable, Hashable, Sendable {
    case kern = 0, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp
    case ntp, audit, alert, clock
    case local0, local1, local2, local3, local4, local5, local6, local7

    /// The lower-case name, e.g. `daemon`, `local0`; used as the `facility` label.
    public var name: String {
        switch self {
        case .kern: "kern"
        case .user: "user"
        case .mail: "mail"
        case .daemon: "daemon"
        case .auth: "auth"
        case .syslog: "syslog"
        case .lpr: "lpr"
        case .news: "news"
        case .uucp: "uucp"
        case .cron: "cron"
        case .authpriv: "authpriv"
        case .ftp: "ftp"
        case .ntp: "ntp"
        case .audit: "audit"
        case .alert: "alert"
        case .clock: "clock"
        case .local0: "local0"
        case .local1: "local1"
        case .local2: "local2"
        case .local3: "local3"
        case .local4: "local4"
        case .local5: "local5"
        case .local6: "local6"
        case .local7: "local7"
        }
    }

    /// The facility of a name as `logger -p` spells it (`security` is the old name of `auth`).
    public init?(name: String) {
        if name == "security" {
            self = .auth
            return
        }
        guard let facility = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = facility
    }
}
