/// PERSON STATED GENDER CODE of the NHS Data Dictionary: the gender the patient states,
/// which is what letters and the record show.
public enum StatedGender: String, Sendable, Codable, CaseIterable {
    case male = "1"
    case female = "2"
    /// Unable to be classified as either male or female.
    case indeterminate = "9"
    /// Not known: not recorded.
    case notKnown = "X"
}

/// PERSON PHENOTYPIC SEX of the NHS Data Dictionary: the sex observed, which is what
/// clinical decisions (pregnancy enquiry before ionising radiation) need when it differs
/// from the stated gender. Optional on a referral.
public enum PhenotypicSex: String, Sendable, Codable, CaseIterable {
    case male = "1"
    case female = "2"
    case indeterminate = "9"
}
