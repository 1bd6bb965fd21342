import Referrals

/// The component schemas of the referral endpoints.
extension OpenAPISchemas {
    static var referrals: [(String, JSONValue)] {
        Self.referralForm + Self.safetyForm + Self.referralViews
    }

    static let boolean: JSONValue = ["type": "boolean"]
    static let date: JSONValue = ["type": "string", "format": "date"]

    static var referralForm: [(String, JSONValue)] {
        [
            (
                "ReferralForm",
                Self.object(
                    required: [
                        "patient", "clinicalHistory", "clinicalQuestion", "modality",
                        "procedureID", "urgency", "preferredSiteID", "safety",
                    ],
                    [
                        (
                            "referrerID",
                            [
                                "type": "string", "format": "uuid",
                                "description": "For a delegate: the referrer acted for",
                            ]
                        ),
                        ("patient", OpenAPIDocument.reference("PatientForm")),
                        ("clinicalHistory", ["type": "string", "maxLength": 4000]),
                        ("clinicalQuestion", ["type": "string", "maxLength": 1000]),
                        ("modality", Self.enumeration(Modality.allCases.map(\.rawValue))),
                        ("procedureID", Self.uuid),
                        ("urgency", Self.enumeration(Urgency.allCases.map(\.rawValue))),
                        ("preferredSiteID", Self.uuid),
                        ("safety", OpenAPIDocument.reference("SafetyAnswers")),
                    ])
            ),
            (
                "PatientForm",
                Self.object(
                    required: [
                        "nhsNumber", "givenName", "familyName", "dateOfBirth", "statedGender",
                        "address", "gpPractice",
                    ],
                    [
                        ("nhsNumber", Self.string("10 digits, or 3-3-4 with spaces or hyphens")),
                        ("givenName", ["type": "string", "maxLength": 100]),
                        ("familyName", ["type": "string", "maxLength": 100]),
                        ("dateOfBirth", Self.date),
                        (
                            "statedGender",
                            Self.enumeration(StatedGender.allCases.map(\.rawValue))
                        ),
                        (
                            "phenotypicSex",
                            Self.enumeration(PhenotypicSex.allCases.map(\.rawValue))
                        ),
                        (
                            "address",
                            Self.object(
                                required: ["lines", "town", "postcode"],
                                [
                                    (
                                        "lines",
                                        [
                                            "type": "array", "minItems": 1, "maxItems": 4,
                                            "items": ["type": "string"],
                                        ]
                                    ),
                                    ("town", ["type": "string"]),
                                    (
                                        "postcode",
                                        Self.string("A UK postcode in the postcode table")
                                    ),
                                ])
                        ),
                        ("mobile", Self.string("UK mobile; without it and email: letters only")),
                        ("email", ["type": "string", "format": "email"]),
                        ("gpPractice", Self.string("ODS code of the registered GP practice")),
                    ])
            ),
        ]
    }

    static var safetyForm: [(String, JSONValue)] {
        [
            (
                "SafetyAnswers",
                Self.object(
                    required: [],
                    [
                        (
                            "mri",
                            Self.object(
                                required: [
                                    "pacemakerOrICD", "cochlearImplant", "aneurysmClips",
                                    "metalInEyes", "otherImplants", "claustrophobia",
                                ],
                                [
                                    ("pacemakerOrICD", Self.boolean),
                                    ("deviceMRConditional", Self.boolean),
                                    ("cochlearImplant", Self.boolean),
                                    ("aneurysmClips", Self.boolean), ("metalInEyes", Self.boolean),
                                    ("otherImplants", Self.boolean),
                                    ("otherImplantsDetails", ["type": "string", "maxLength": 500]),
                                    ("claustrophobia", Self.boolean),
                                ])
                        ),
                        (
                            "contrast",
                            Self.object(
                                required: ["egfr", "egfrDate", "contrastAllergy"],
                                [
                                    ("egfr", ["type": "integer", "minimum": 0, "maximum": 200]),
                                    ("egfrDate", Self.date), ("contrastAllergy", Self.boolean),
                                ])
                        ),
                        (
                            "pet",
                            Self.object(
                                required: [
                                    "diabetes", "weightKg", "canLieFlat", "recentChemotherapy",
                                    "recentRadiotherapy",
                                ],
                                [
                                    (
                                        "diabetes",
                                        Self.enumeration(DiabetesTreatment.allCases.map(\.rawValue))
                                    ),
                                    ("bloodGlucose", ["type": "number", "description": "mmol/L"]),
                                    ("weightKg", ["type": "number"]),
                                    ("canLieFlat", Self.boolean),
                                    ("recentChemotherapy", Self.boolean),
                                    ("lastChemotherapyDate", Self.date),
                                    ("recentRadiotherapy", Self.boolean),
                                    ("lastRadiotherapyDate", Self.date),
                                ])
                        ),
                        (
                            "ionising",
                            Self.object(
                                required: ["pregnancy", "breastfeeding"],
                                [
                                    (
                                        "pregnancy",
                                        Self.enumeration(PregnancyStatus.allCases.map(\.rawValue))
                                    ),
                                    ("breastfeeding", Self.boolean),
                                    (
                                        "pregnancyJustification",
                                        ["type": "string", "maxLength": 1000]
                                    ),
                                ])
                        ),
                    ])
            ),
            (
                "ReviewReason",
                Self.object(
                    required: ["code", "field", "message"],
                    [
                        ("code", Self.string("A stable code: egfr_low, claustrophobia, ...")),
                        ("field", Self.string("JSON pointer of the answer concerned")),
                        ("message", ["type": "string"]),
                    ])
            ),
        ]
    }

    static var referralViews: [(String, JSONValue)] {
        let named = Self.object(
            required: ["id", "name"], [("id", Self.uuid), ("name", ["type": "string"])])
        let reasons: JSONValue = [
            "type": "array", "items": OpenAPIDocument.reference("ReviewReason"),
        ]
        let strings: JSONValue = ["type": "array", "items": ["type": "string"]]
        return [
            (
                "SubmittedReferral",
                Self.object(
                    required: [
                        "id", "state", "patientID", "newPatient", "lettersOnly", "needsReview",
                        "reviewReasons", "demographicDifferences", "createdAt",
                    ],
                    [
                        ("id", Self.uuid), ("state", ["type": "string"]), ("patientID", Self.uuid),
                        ("newPatient", Self.boolean), ("lettersOnly", Self.boolean),
                        ("needsReview", Self.boolean), ("reviewReasons", reasons),
                        ("demographicDifferences", strings), ("createdAt", Self.dateTime),
                    ])
            ),
            (
                "ReferralSummary",
                Self.object(
                    required: [
                        "id", "state", "urgency", "modality", "patient", "procedure",
                        "referrerID", "submittedByID", "needsReview", "needsDemographicReview",
                        "createdAt",
                    ],
                    [
                        ("id", Self.uuid),
                        ("state", Self.enumeration(ReferralFilter.states)),
                        ("urgency", Self.enumeration(Urgency.allCases.map(\.rawValue))),
                        ("modality", Self.enumeration(Modality.allCases.map(\.rawValue))),
                        (
                            "patient",
                            Self.object(
                                required: [
                                    "id", "nhsNumber", "givenName", "familyName", "dateOfBirth",
                                ],
                                [
                                    ("id", Self.uuid), ("nhsNumber", ["type": "string"]),
                                    ("givenName", ["type": "string"]),
                                    ("familyName", ["type": "string"]), ("dateOfBirth", Self.date),
                                ])
                        ),
                        ("procedure", named), ("referrerID", Self.uuid),
                        ("submittedByID", Self.uuid), ("needsReview", Self.boolean),
                        ("needsDemographicReview", Self.boolean), ("createdAt", Self.dateTime),
                        ("appointmentAt", Self.dateTime), ("appointmentSite", named),
                        ("reportCompletedAt", Self.dateTime),
                        ("reportDistributedAt", Self.dateTime), ("closedAt", Self.dateTime),
                    ])
            ),
            (
                "ReferralPage",
                Self.object(
                    required: ["items"],
                    [
                        (
                            "items",
                            [
                                "type": "array",
                                "items": OpenAPIDocument.reference("ReferralSummary"),
                            ]
                        ),
                        (
                            "next",
                            Self.string("The cursor of the next page (`after`); absent on the last")
                        ),
                    ])
            ),
            (
                "ReferralDetail",
                Self.object(
                    required: [
                        "referral", "patientDetails", "referrer", "submittedBy", "preferredSite",
                        "clinicalHistory", "clinicalQuestion", "safetyAnswers", "reviewReasons",
                        "demographicDifferences", "events", "otherReferrals",
                    ],
                    [
                        ("referral", OpenAPIDocument.reference("ReferralSummary")),
                        (
                            "patientDetails",
                            Self.object(
                                required: [
                                    "statedGender", "addressLines", "town", "postcode",
                                    "lettersOnly", "gpPractice",
                                ],
                                [
                                    ("statedGender", ["type": "string"]),
                                    ("phenotypicSex", ["type": "string"]),
                                    ("addressLines", strings), ("town", ["type": "string"]),
                                    ("postcode", ["type": "string"]),
                                    ("mobile", ["type": "string"]),
                                    ("email", ["type": "string"]), ("lettersOnly", Self.boolean),
                                    ("gpPractice", ["type": "string"]),
                                ])
                        ),
                        ("referrer", named), ("submittedBy", named), ("preferredSite", named),
                        ("clinicalHistory", ["type": "string"]),
                        ("clinicalQuestion", ["type": "string"]),
                        ("safetyAnswers", OpenAPIDocument.reference("SafetyAnswers")),
                        ("reviewReasons", reasons), ("demographicDifferences", strings),
                        (
                            "events",
                            [
                                "type": "array",
                                "items": Self.object(
                                    required: ["toState", "actor", "at"],
                                    [
                                        ("fromState", ["type": "string"]),
                                        ("toState", ["type": "string"]), ("actor", named),
                                        ("onBehalfOf", named), ("at", Self.dateTime),
                                        ("reason", ["type": "string"]),
                                    ]),
                            ]
                        ),
                        (
                            "otherReferrals",
                            [
                                "type": "array",
                                "items": Self.object(
                                    required: ["id", "procedure", "state", "createdAt"],
                                    [
                                        ("id", Self.uuid), ("procedure", ["type": "string"]),
                                        ("state", ["type": "string"]), ("createdAt", Self.dateTime),
                                    ]),
                            ]
                        ),
                    ])
            ),
        ]
    }
}
