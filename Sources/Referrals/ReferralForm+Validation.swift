import Foundation

extension ReferralForm {
    /// What the submitting transaction must look up before the form can be judged: the
    /// procedure, the preferred site and the patient's postcode, when they are well formed.
    public var lookups: (procedureID: UUID?, siteID: UUID?, postcode: Postcode?) {
        (
            self.procedureID.flatMap(UUID.init(uuidString:)),
            self.preferredSiteID.flatMap(UUID.init(uuidString:)),
            self.patient?.address?.postcode.flatMap(Postcode.init)
        )
    }

    /// Checks every field against its rule and against `facts`, naming every one at fault
    /// at once (`invalidFields`); then applies the safety rules, which either stop the
    /// referral (`stopped`, naming each answer and why) or attach reasons for review.
    public func validated(facts: ReferralFacts) throws(ReferralsError) -> ValidReferral {
        var checks = FieldChecks()

        var referrer: UUID?
        if let text = self.referrerID {
            referrer = checks.uuid(text, "/referrerID")
        }
        let patient = self.patient.flatMap {
            $0.validated(&checks, today: facts.today, postcodeKnown: facts.postcodeKnown)
        }
        if self.patient == nil { checks.fail("/patient", "is required") }
        let history = checks.text(self.clinicalHistory, "/clinicalHistory", max: 4000)
        let question = checks.text(self.clinicalQuestion, "/clinicalQuestion", max: 1000)
        let modality = checks.choice(self.modality, Modality.self, "/modality")
        let urgency = checks.choice(self.urgency, Urgency.self, "/urgency")
        let procedure = self.procedure(facts, modality: modality, &checks)
        let site = checks.uuid(self.preferredSiteID, "/preferredSiteID")
        if site != nil, procedure != nil {
            if !facts.siteKnown {
                checks.fail("/preferredSiteID", "is not a scanning site of this provider")
            } else if !facts.siteOffersProcedure {
                checks.fail("/preferredSiteID", "does not offer this procedure")
            }
        }
        var safety = SafetyForm()
        if let procedure {
            safety = (self.safety ?? SafetyForm()).validated(
                required: procedure.requiredQuestions, today: facts.today, &checks)
        }

        guard checks.fields.isEmpty, let patient, let history, let question, let modality,
            let urgency, let procedure, let site
        else {
            throw ReferralsError.invalid(checks.fields)
        }

        let outcome = SafetyRules(thresholds: facts.thresholds).assess(
            safety, modality: modality, today: facts.today)
        guard outcome.stops.isEmpty else { throw ReferralsError.stopped(outcome.stops) }
        return ValidReferral(
            referrerID: referrer, patient: patient, clinicalHistory: history,
            clinicalQuestion: question, modality: modality, procedure: procedure,
            urgency: urgency, preferredSiteID: site, safety: safety,
            reviewReasons: outcome.reviews)
    }

    /// The procedure, when the id names an active one of the catalogue whose modality is
    /// the one chosen.
    private func procedure(
        _ facts: ReferralFacts, modality: Modality?, _ checks: inout FieldChecks
    ) -> ProcedureFacts? {
        guard checks.uuid(self.procedureID, "/procedureID") != nil else { return nil }
        guard let procedure = facts.procedure else {
            checks.fail("/procedureID", "is not a procedure in the catalogue")
            return nil
        }
        guard procedure.active else {
            checks.fail("/procedureID", "is withdrawn from the catalogue")
            return nil
        }
        if let modality, procedure.modality != modality {
            let actual = procedure.modality?.rawValue ?? "another modality's"
            checks.fail("/modality", "does not match the procedure, which is \(actual)")
            return nil
        }
        return procedure
    }
}
