extension Problem.FieldError {
    /// Builds an RFC 6901 JSON pointer from a path of member names and array indices:
    /// `["patient", "nhsNumber"]` gives `/patient/nhsNumber`; `~` and `/` inside a name
    /// are escaped as `~0` and `~1`.
    public static func pointer(_ path: [String]) -> String {
        var pointer = ""
        for component in path {
            pointer.append("/")
            for character in component {
                switch character {
                case "~": pointer.append("~0")
                case "/": pointer.append("~1")
                default: pointer.append(character)
                }
            }
        }
        return pointer
    }
}
