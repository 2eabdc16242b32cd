/// The sentences of the correlator's reasons (`Why.detail`) that hold nothing but the key and
/// numbers: made once, put together only when read. (Reasons that name titles, rules or
/// services are given as text where they are made.)
extension Why.Template {
    static let repeatOfAlert = Why.Template("Alert {n} with this fingerprint is firing; repeat {n}.")
    static let foldRepeat = Why.Template("{n} arrival(s) of the same message, folded together on receipt into alert {n}.")
    static let resolveSignal = Why.Template("The sender resolved alert {n}.")
    static let resolveWithoutAlert = Why.Template("No alert with this fingerprint is firing; the resolve is kept and changes nothing.")
    static let acknowledgeSignal = Why.Template("The sender acknowledged alert {n}; incident {n} is acknowledged.")
    static let acknowledgeWithoutAlert = Why.Template("No alert with this fingerprint is firing; the acknowledgement is kept and changes nothing.")
    static let change = Why.Template("Change events are kept as rollback candidates and open no incident.")
    static let attachFiring = Why.Template("Incident {n} of key {key} has {n} firing alert(s).")
    static let flapping = Why.Template("Incident {n} of key {key} is held open while its alerts flap.")
    static let attachWindow = Why.Template("Incident {n} of key {key} saw a signal within correlation_window.")
    static let attachLate = Why.Template("The signal's own time falls inside incident {n}, resolved since; it is filed there.")
    static let reopen = Why.Template("Incident {n} of key {key} was resolved within reopen_window; it reopens.")
    static let open = Why.Template("No incident of key {key} is active, within correlation_window, or within reopen_window.")
}
