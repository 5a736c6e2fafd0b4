"""Whether a text supports, contradicts or discusses a claim: one interface (`base`), a rule-based model (`lexical`) and a learned one (`learned`)."""
