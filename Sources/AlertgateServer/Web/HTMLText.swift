/// Text made safe to place in HTML: in element content and in quoted attribute values
/// (single or double quotes), and so in inline SVG. Everything that came from a signal, a report
/// or a person goes through it before it reaches a page.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A page's start up to its `<body>`: UTF-8, a phone's width, `title`, `stylesheet`, and
    /// `extraHead` (trusted markup: links and meta tags the page makes itself).
    static func documentStart(title: String, stylesheet: String, extraHead: String = "") -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <link rel="stylesheet" href="\(escape(stylesheet))">
        \(extraHead)</head>
        <body>

        """
    }
}
