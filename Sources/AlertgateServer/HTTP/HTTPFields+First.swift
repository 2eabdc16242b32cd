import HTTPTypes

extension HTTPFields {
    /// The value of the first field named `name`. `subscript(name)` joins the values of every
    /// such field into a new string, which on every ingest request showed in the profile
    /// (about 2 % of one alert per POST, for its few look-ups). For fields a request carries
    /// once (Content-Length, Content-Type, Transfer-Encoding) the first is the one.
    func first(_ name: HTTPField.Name) -> String? {
        first { $0.name == name }?.value
    }
}
