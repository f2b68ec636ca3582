"""Stable error codes, their French sentence for partners, field-level errors and ContractViolation."""

from enum import StrEnum

from pydantic import Field

from .base import ContractModel
from .fields import FrenchSentence


class ErrorCode(StrEnum):
    """Why an event was refused; the value is stable and partners may branch on it."""

    MALFORMED_JSON = "MALFORMED_JSON"
    MISSING_HEADER = "MISSING_HEADER"
    INVALID_HEADER = "INVALID_HEADER"
    UNKNOWN_EVENT_TYPE = "UNKNOWN_EVENT_TYPE"
    SCHEMA_VERSION_UNSUPPORTED = "SCHEMA_VERSION_UNSUPPORTED"
    INVALID_PAYLOAD = "INVALID_PAYLOAD"
    KEY_MISMATCH = "KEY_MISMATCH"
    SUBJECT_MISMATCH = "SUBJECT_MISMATCH"
    PRODUCER_MISMATCH = "PRODUCER_MISMATCH"
    NOT_A_COMMAND = "NOT_A_COMMAND"
    COMMAND_NOT_ALLOWED = "COMMAND_NOT_ALLOWED"
    CONFLICTING_REDELIVERY = "CONFLICTING_REDELIVERY"
    UNKNOWN_TERRITORY = "UNKNOWN_TERRITORY"
    UNKNOWN_AGGREGATE = "UNKNOWN_AGGREGATE"
    ENVELOPE_CEILING_EXCEEDED = "ENVELOPE_CEILING_EXCEEDED"
    ENVELOPE_CLOSED = "ENVELOPE_CLOSED"
    STATE_SHARE_ABOVE_CAP = "STATE_SHARE_ABOVE_CAP"
    PAYMENT_EXCEEDS_COMMITMENT = "PAYMENT_EXCEEDS_COMMITMENT"
    VTE_AID_ALREADY_PAID = "VTE_AID_ALREADY_PAID"
    VTE_NOT_ELIGIBLE = "VTE_NOT_ELIGIBLE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


_E = ErrorCode
REASONS: dict[ErrorCode, str] = {
    _E.MALFORMED_JSON: "Le contenu du message n'est pas un document JSON UTF-8 valide.",
    _E.MISSING_HEADER: "Un en-tête CloudEvents obligatoire est absent du message.",
    _E.INVALID_HEADER: "Un en-tête CloudEvents du message a une valeur invalide.",
    _E.UNKNOWN_EVENT_TYPE: "Le type d'événement (en-tête ce_type) n'est pas connu de la plateforme.",
    _E.SCHEMA_VERSION_UNSUPPORTED: "Cette version du schéma de l'événement n'est pas prise en charge.",
    _E.INVALID_PAYLOAD: "Le contenu du message ne respecte pas le schéma de l'événement.",
    _E.KEY_MISMATCH: "La clé Kafka du message ne correspond pas à l'identifiant attendu dans le contenu.",
    _E.SUBJECT_MISMATCH: "L'en-tête ce_subject ne correspond pas à l'identifiant porté par le contenu.",
    _E.PRODUCER_MISMATCH: "L'émetteur déclaré (ce_producer) n'est pas le partenaire de ce topic.",
    _E.NOT_A_COMMAND: "Seules des commandes peuvent être publiées sur un topic d'entrée partenaire.",
    _E.COMMAND_NOT_ALLOWED: "Ce partenaire n'est pas habilité à publier cette commande.",
    _E.CONFLICTING_REDELIVERY: "Un événement de même identifiant mais de contenu différent a déjà été reçu.",
    _E.UNKNOWN_TERRITORY: "Le territoire désigné n'est pas un Territoire d'industrie connu.",
    _E.UNKNOWN_AGGREGATE: "Le dossier, l'engagement ou le contrat désigné est inconnu.",
    _E.ENVELOPE_CEILING_EXCEEDED: "Le montant dépasse le solde disponible de l'enveloppe.",
    _E.ENVELOPE_CLOSED: "L'enveloppe est close : plus aucun engagement n'est possible.",
    _E.STATE_SHARE_ABOVE_CAP: "La part de l'État dépasse 70 % du poste ou 30 000 / 40 000 € par an.",
    _E.PAYMENT_EXCEEDS_COMMITMENT: "Le paiement dépasse le montant restant engagé.",
    _E.VTE_AID_ALREADY_PAID: "L'aide VTE de ce contrat a déjà été versée : elle n'est versée qu'une fois.",
    _E.VTE_NOT_ELIGIBLE: "Le contrat ou la mission ne remplit pas les conditions de l'aide VTE demandée.",
    _E.INTERNAL_ERROR: "La plateforme n'a pas pu traiter l'événement ; il a été mis de côté pour analyse.",
}
"""The French sentence sent to partners for each code (a service may send a more precise one)."""


class FieldError(ContractModel):
    """One field-level reason: where in the payload, what kind of error, and a readable message."""

    path: str = Field(max_length=300, description="Dotted path of the field", examples=["amount_cents"])
    code: str = Field(max_length=80, description="Machine-readable kind of error", examples=["int_type"])
    message: FrenchSentence = Field(
        description="Readable reason, in French",
        examples=["Le montant doit être un entier de centimes d'euro."],
    )


class ContractViolation(ValueError):  # noqa: N818 (the name partners know)
    """A message does not respect the contracts: `.code`, `.reason` (French) and `.field_errors`."""

    def __init__(self, code: ErrorCode, detail: str = "", field_errors: tuple[FieldError, ...] = ()) -> None:
        self.code = code
        self.reason = REASONS[code] if not detail else f"{REASONS[code]} {detail}"
        self.field_errors = field_errors
        fields = "; ".join(f"{e.path}: {e.message}" for e in field_errors)
        super().__init__(f"{code.value}: {self.reason}" + (f" [{fields}]" if fields else ""))
