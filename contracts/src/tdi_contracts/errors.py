"""Stable error codes, their French sentence for partners, field-level errors and ContractViolation."""

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from .base import ContractModel
from .fields import FrenchSentence


class ErrorCode(StrEnum):
    """Why an event or a request was refused; the value is stable and partners may branch on it.

    Every code a service or the kit raises is declared here with its French sentence in REASONS (a test of
    the kit scans every service for codes). Partner answers and dead letters (v2) carry it as an open code.
    """

    MALFORMED_JSON = "MALFORMED_JSON"
    MISSING_HEADER = "MISSING_HEADER"
    INVALID_HEADER = "INVALID_HEADER"
    UNKNOWN_EVENT_TYPE = "UNKNOWN_EVENT_TYPE"
    SCHEMA_VERSION_UNSUPPORTED = "SCHEMA_VERSION_UNSUPPORTED"
    INVALID_PAYLOAD = "INVALID_PAYLOAD"
    KEY_MISMATCH = "KEY_MISMATCH"
    SUBJECT_MISMATCH = "SUBJECT_MISMATCH"
    PRODUCER_MISMATCH = "PRODUCER_MISMATCH"
    SOURCE_MISMATCH = "SOURCE_MISMATCH"
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
    VTE_CONTRACT_ALREADY_RECORDED = "VTE_CONTRACT_ALREADY_RECORDED"
    VTE_GREEN_ALREADY_DECLARED = "VTE_GREEN_ALREADY_DECLARED"
    VTE_CONTRACT_ALREADY_ENDED = "VTE_CONTRACT_ALREADY_ENDED"
    VTE_PAYMENT_EXCEEDS_AID = "VTE_PAYMENT_EXCEEDS_AID"
    TERRITORY_PERIMETER_PENDING = "TERRITORY_PERIMETER_PENDING"
    PROGRAMME_NOT_OPERATED = "PROGRAMME_NOT_OPERATED"
    APPLICATION_NOT_ELIGIBLE = "APPLICATION_NOT_ELIGIBLE"
    APPLICATION_STATE_CONFLICT = "APPLICATION_STATE_CONFLICT"
    RELEASE_EXCEEDS_COMMITMENT = "RELEASE_EXCEEDS_COMMITMENT"
    ENVELOPE_ALREADY_OPENED = "ENVELOPE_ALREADY_OPENED"
    DOMAIN_RULE_VIOLATED = "DOMAIN_RULE_VIOLATED"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    MALFORMED_REQUEST = "MALFORMED_REQUEST"
    INVALID_REQUEST = "INVALID_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    HTTP_ERROR = "HTTP_ERROR"
    INVALID_IDEMPOTENCY_KEY = "INVALID_IDEMPOTENCY_KEY"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    REQUEST_IN_PROGRESS = "REQUEST_IN_PROGRESS"
    TOO_MANY_IDEMPOTENCY_KEYS = "TOO_MANY_IDEMPOTENCY_KEYS"
    INVALID_CHARACTER = "INVALID_CHARACTER"
    UNKNOWN_COMMUNE = "UNKNOWN_COMMUNE"
    UNKNOWN_BINOME = "UNKNOWN_BINOME"
    UNKNOWN_CHEF_DE_PROJET_POST = "UNKNOWN_CHEF_DE_PROJET_POST"
    EPCI_ALREADY_IN_TERRITORY = "EPCI_ALREADY_IN_TERRITORY"
    EPCI_NOT_IN_TERRITORY = "EPCI_NOT_IN_TERRITORY"
    CHEF_DE_PROJET_POST_ENDED = "CHEF_DE_PROJET_POST_ENDED"
    BINOME_REQUIRED = "BINOME_REQUIRED"
    INVALID_CHEF_DE_PROJET_POST = "INVALID_CHEF_DE_PROJET_POST"
    NO_EPCI_TO_FUND = "NO_EPCI_TO_FUND"
    BINOME_ALREADY_ENDED = "BINOME_ALREADY_ENDED"
    INVALID_BINOME = "INVALID_BINOME"
    EPCI_LIMIT_REACHED = "EPCI_LIMIT_REACHED"
    BINOME_LIMIT_REACHED = "BINOME_LIMIT_REACHED"
    CHEF_DE_PROJET_LIMIT_REACHED = "CHEF_DE_PROJET_LIMIT_REACHED"
    TERRITORY_LABEL_WITHDRAWN = "TERRITORY_LABEL_WITHDRAWN"
    LABEL_ALREADY_WITHDRAWN = "LABEL_ALREADY_WITHDRAWN"
    TERRITORY_ALREADY_LISTED = "TERRITORY_ALREADY_LISTED"
    COMMUNE_NOT_IN_COG = "COMMUNE_NOT_IN_COG"
    UNKNOWN_SITE = "UNKNOWN_SITE"
    SITE_ALREADY_SELECTED = "SITE_ALREADY_SELECTED"
    REBOND_LAUREATE_ALREADY_RECORDED = "REBOND_LAUREATE_ALREADY_RECORDED"
    INVALID_TERRITORY = "INVALID_TERRITORY"
    OUTBOX_RECORD_TOO_LARGE = "OUTBOX_RECORD_TOO_LARGE"
    UNKNOWN_TOPIC = "UNKNOWN_TOPIC"
    OUT_OF_ORDER = "OUT_OF_ORDER"
    INVALID_TOKEN = "INVALID_TOKEN"  # noqa: S105 (a code, not a secret)
    TOKEN_EXPIRED = "TOKEN_EXPIRED"  # noqa: S105 (a code, not a secret)
    OUT_OF_REGION = "OUT_OF_REGION"
    OUT_OF_PROGRAMME = "OUT_OF_PROGRAMME"
    OUT_OF_TERRITORY = "OUT_OF_TERRITORY"
    READ_ONLY_ROLE = "READ_ONLY_ROLE"
    AGGREGATES_ONLY = "AGGREGATES_ONLY"
    TOO_MANY_STREAMS = "TOO_MANY_STREAMS"
    STREAMS_FULL = "STREAMS_FULL"
    RATE_LIMITED = "RATE_LIMITED"
    ACCESS_TOKEN_IN_URL = "ACCESS_TOKEN_IN_URL"  # noqa: S105 (a code, not a secret)
    INVALID_TICKET = "INVALID_TICKET"
    FICHE_ACTION_ALREADY_EXISTS = "FICHE_ACTION_ALREADY_EXISTS"
    FICHE_ACTION_CLOSED = "FICHE_ACTION_CLOSED"
    FICHE_ACTION_DATE_BEFORE_PREVIOUS_STEP = "FICHE_ACTION_DATE_BEFORE_PREVIOUS_STEP"
    FICHE_ACTION_TRANSITION_FORBIDDEN = "FICHE_ACTION_TRANSITION_FORBIDDEN"
    IMPORT_COLUMNS_MISSING = "IMPORT_COLUMNS_MISSING"
    IMPORT_FILE_EMPTY = "IMPORT_FILE_EMPTY"
    IMPORT_FILE_FORMAT_UNSUPPORTED = "IMPORT_FILE_FORMAT_UNSUPPORTED"
    IMPORT_FILE_INVALID = "IMPORT_FILE_INVALID"
    IMPORT_FILE_TOO_LARGE = "IMPORT_FILE_TOO_LARGE"
    IMPORT_ROW_DUPLICATED = "IMPORT_ROW_DUPLICATED"
    INVALID_FICHE_ACTION = "INVALID_FICHE_ACTION"
    LEAD_IS_A_PERSON = "LEAD_IS_A_PERSON"
    TERRITORY_NOT_LABELLED = "TERRITORY_NOT_LABELLED"
    UNKNOWN_FICHE_ACTION = "UNKNOWN_FICHE_ACTION"
    DS_CHAMP_MISSING = "DS_CHAMP_MISSING"
    DS_CHAMP_INVALID = "DS_CHAMP_INVALID"
    DS_GRANTED_AMOUNT_MISSING = "DS_GRANTED_AMOUNT_MISSING"
    DS_UNKNOWN_DEMARCHE = "DS_UNKNOWN_DEMARCHE"
    DS_ACCESS_REFUSED = "DS_ACCESS_REFUSED"
    DS_DECISION_REVERTED_AFTER_PAYMENT = "DS_DECISION_REVERTED_AFTER_PAYMENT"
    PROGRAMME_NOT_DECIDED_BY_PARTNER = "PROGRAMME_NOT_DECIDED_BY_PARTNER"
    CHEF_DE_PROJET_CAP_REACHED = "CHEF_DE_PROJET_CAP_REACHED"
    ENVELOPE_CEILING_NOT_SET = "ENVELOPE_CEILING_NOT_SET"
    ENVELOPE_CEILING_BELOW_COMMITTED = "ENVELOPE_CEILING_BELOW_COMMITTED"
    REGIONAL_CEILINGS_ABOVE_NATIONAL = "REGIONAL_CEILINGS_ABOVE_NATIONAL"
    ENVELOPE_FILING_CLOSED = "ENVELOPE_FILING_CLOSED"
    ENVELOPE_STILL_OPEN = "ENVELOPE_STILL_OPEN"
    UNKNOWN_PROGRAMME = "UNKNOWN_PROGRAMME"
    PROGRAMME_ALREADY_DECLARED = "PROGRAMME_ALREADY_DECLARED"
    NOT_A_CLOUDEVENT = "NOT_A_CLOUDEVENT"
    PARTNER_BATCH_TOO_LARGE = "PARTNER_BATCH_TOO_LARGE"
    NOT_A_PARTNER = "NOT_A_PARTNER"
    RECEIPT_NOT_FOUND = "RECEIPT_NOT_FOUND"
    WEBHOOK_TARGET_REFUSED = "WEBHOOK_TARGET_REFUSED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
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
    _E.PRODUCER_MISMATCH: "L'émetteur déclaré (ce_producer) n'est pas le partenaire de ce flux.",
    _E.SOURCE_MISMATCH: (
        "La source déclarée (ce_source) n'est pas celle du partenaire de ce flux : il ne parle que pour lui-même."
    ),
    _E.NOT_A_COMMAND: "Seules des commandes peuvent être publiées sur un flux d'entrée partenaire.",
    _E.COMMAND_NOT_ALLOWED: "Ce partenaire n'est pas habilité à publier cette commande.",
    _E.CONFLICTING_REDELIVERY: "Un événement de même identifiant mais de contenu différent a déjà été reçu.",
    _E.UNKNOWN_TERRITORY: "Le territoire désigné n'est pas un Territoire d'industrie connu.",
    _E.UNKNOWN_AGGREGATE: "Le dossier, l'engagement ou le contrat désigné est inconnu.",
    _E.ENVELOPE_CEILING_EXCEEDED: "Le montant dépasse le solde disponible de l'enveloppe.",
    _E.ENVELOPE_CLOSED: "L'enveloppe est close : plus aucun engagement n'est possible.",
    _E.STATE_SHARE_ABOVE_CAP: "La part de l'État dépasse 70 % du poste ou 30 000 / 40 000 € par an.",
    _E.PAYMENT_EXCEEDS_COMMITMENT: "Le versement dépasse le montant restant engagé.",
    _E.VTE_AID_ALREADY_PAID: "L'aide VTE de ce contrat a déjà été versée : elle n'est versée qu'une fois.",
    _E.VTE_NOT_ELIGIBLE: "Le contrat ou la mission ne remplit pas les conditions de l'aide VTE demandée.",
    _E.VTE_CONTRACT_ALREADY_RECORDED: "Ce contrat VTE est déjà enregistré avec d'autres conditions.",
    _E.VTE_GREEN_ALREADY_DECLARED: "Une autre mission « VTE vert » est déjà déclarée pour ce contrat.",
    _E.VTE_CONTRACT_ALREADY_ENDED: "Ce contrat VTE est terminé : cette déclaration n'est plus possible.",
    _E.VTE_PAYMENT_EXCEEDS_AID: "Le versement dépasse le montant de l'aide VTE restant à verser pour ce contrat.",
    _E.TERRITORY_PERIMETER_PENDING: "Le périmètre du territoire n'est pas encore connu : le contrat est en attente et"
    " sera décidé dès qu'il le sera.",
    _E.PROGRAMME_NOT_OPERATED: "Ce partenaire n'opère ni n'instruit ce programme : il ne peut pas y décider.",
    _E.APPLICATION_NOT_ELIGIBLE: "Le dossier ne remplit pas les conditions d'éligibilité du programme.",
    _E.APPLICATION_STATE_CONFLICT: "Cette décision n'est pas possible dans l'état actuel du dossier.",
    _E.RELEASE_EXCEEDS_COMMITMENT: "Le désengagement dépasse le montant engagé non encore versé.",
    _E.ENVELOPE_ALREADY_OPENED: "Une enveloppe de même identifiant existe déjà avec d'autres montants.",
    _E.DOMAIN_RULE_VIOLATED: "Une règle du programme refuse cette demande.",
    _E.NOT_FOUND: "L'élément désigné est introuvable.",
    _E.CONFLICT: "La demande est en conflit avec l'état actuel des données.",
    _E.UNAUTHENTICATED: "Un jeton d'accès valide est nécessaire pour cette opération.",
    _E.FORBIDDEN: "Votre rôle ne permet pas cette opération.",
    _E.MALFORMED_REQUEST: "Le corps de la requête n'est pas un document JSON valide.",
    _E.INVALID_REQUEST: "La requête est invalide : un champ manque ou a une valeur refusée.",
    _E.METHOD_NOT_ALLOWED: "Cette méthode n'est pas permise sur cette adresse.",
    _E.REQUEST_TOO_LARGE: "La requête est trop volumineuse.",
    _E.UNSUPPORTED_MEDIA_TYPE: "Le contenu doit être du JSON (application/json).",
    _E.HTTP_ERROR: "La requête n'a pas pu être traitée.",
    _E.INVALID_IDEMPOTENCY_KEY: "La clé d'idempotence doit faire 1 à 128 caractères.",
    _E.IDEMPOTENCY_KEY_REUSED: "Cette clé d'idempotence a déjà servi pour une autre requête.",
    _E.REQUEST_IN_PROGRESS: "Une requête avec cette clé d'idempotence est en cours de traitement.",
    _E.TOO_MANY_IDEMPOTENCY_KEYS: (
        "Vous avez trop de clés d'idempotence en cours de conservation : réutilisez-en une ou réessayez plus tard."
    ),
    _E.INVALID_CHARACTER: (
        "La requête contient un caractère de contrôle (par exemple l'octet nul) qu'aucun champ ne peut contenir."
    ),
    _E.UNKNOWN_COMMUNE: "La commune désignée (code INSEE) n'est rattachée à aucun Territoire d'industrie connu.",
    _E.UNKNOWN_BINOME: "Le binôme désigné est inconnu pour ce territoire.",
    _E.UNKNOWN_CHEF_DE_PROJET_POST: "Le poste de chef de projet désigné est inconnu.",
    _E.EPCI_ALREADY_IN_TERRITORY: "Cet EPCI appartient déjà à un autre Territoire d'industrie (un seul à la fois).",
    _E.EPCI_NOT_IN_TERRITORY: "Cet EPCI n'appartient pas à ce territoire.",
    _E.CHEF_DE_PROJET_POST_ENDED: "Ce poste de chef de projet est terminé : il ne peut plus être partagé ni clos.",
    _E.BINOME_REQUIRED: "Le territoire doit garder au moins un binôme élu-industriel.",
    _E.INVALID_CHEF_DE_PROJET_POST: "Le poste de chef de projet est invalide (il se termine avant de commencer).",
    _E.NO_EPCI_TO_FUND: "Le territoire ne compte aucun EPCI : le poste de chef de projet ne peut pas être financé.",
    _E.BINOME_ALREADY_ENDED: "Ce binôme a déjà quitté ses fonctions.",
    _E.INVALID_BINOME: "Le binôme est invalide (par exemple, il finit avant sa désignation).",
    _E.EPCI_LIMIT_REACHED: "Le territoire compte déjà 40 EPCI, le maximum qu'il peut réunir.",
    _E.BINOME_LIMIT_REACHED: "Le territoire a déjà 50 binômes en fonction, le maximum.",
    _E.CHEF_DE_PROJET_LIMIT_REACHED: "Le territoire a déjà 10 postes de chef de projet ouverts, le maximum.",
    _E.TERRITORY_LABEL_WITHDRAWN: (
        "Ce territoire n'est plus labellisé Territoire d'industrie : il ne peut plus évoluer."
    ),
    _E.LABEL_ALREADY_WITHDRAWN: "Le label de ce territoire est déjà retiré.",
    _E.TERRITORY_ALREADY_LISTED: "Un territoire de ce nom ou de cet identifiant officiel figure déjà dans la liste.",
    _E.COMMUNE_NOT_IN_COG: "Ce code n'est pas une commune du Code officiel géographique que la plateforme connaît.",
    _E.UNKNOWN_SITE: "Le site clé en main désigné est inconnu du registre.",
    _E.SITE_ALREADY_SELECTED: "Ce site est déjà retenu parmi les sites clés en main France 2030.",
    _E.REBOND_LAUREATE_ALREADY_RECORDED: "Ce territoire est déjà inscrit comme lauréat de l'AMI Rebond industriel.",
    _E.INVALID_TERRITORY: "Le territoire est invalide (nom, départements, régions ou dates).",
    _E.OUTBOX_RECORD_TOO_LARGE: "L'événement à publier dépasse la taille maximale qu'accepte son flux.",
    _E.UNKNOWN_TOPIC: "L'événement à publier vise un flux que les contrats ne déclarent pas.",
    _E.OUT_OF_ORDER: "L'événement arrive avant un événement dont il dépend ; renvoyez-le une fois celui-ci traité.",
    _E.INVALID_TOKEN: "Le jeton d'accès est invalide (signature, émetteur ou audience refusés).",
    _E.TOKEN_EXPIRED: "Le jeton d'accès a expiré : demandez-en un nouveau.",
    _E.OUT_OF_REGION: "Votre rôle régional ne permet d'agir que sur les territoires de votre région.",
    _E.OUT_OF_TERRITORY: "Votre rôle de territoire ne permet de voir et d'agir que sur votre propre territoire.",
    _E.OUT_OF_PROGRAMME: "Votre rôle d'instructeur ne permet d'agir que sur les dossiers de votre programme.",
    _E.READ_ONLY_ROLE: "Votre rôle est en lecture seule : il ne permet aucune modification.",
    _E.AGGREGATES_ONLY: "Votre rôle donne accès aux totaux seulement, pas aux dossiers un par un.",
    _E.TOO_MANY_STREAMS: "Trop de flux en direct ouverts avec ce jeton : fermez-en un avant d'en ouvrir un autre.",
    _E.STREAMS_FULL: "Le flux en direct est complet pour le moment : réessayez dans quelques instants.",
    _E.RATE_LIMITED: "Trop de demandes en peu de temps : patientez quelques secondes avant de réessayer.",
    _E.ACCESS_TOKEN_IN_URL: (
        "Le jeton d'accès ne se passe plus dans l'adresse : demandez un ticket (POST /api/tickets) et passez ?ticket=."
    ),
    _E.INVALID_TICKET: "Ticket absent, expiré, ou émis pour un autre usage : demandez-en un nouveau.",
    _E.FICHE_ACTION_ALREADY_EXISTS: "Une fiche action de même référence ou de même titre existe déjà.",
    _E.FICHE_ACTION_CLOSED: "La fiche action est réalisée ou abandonnée : elle ne peut plus être modifiée.",
    _E.FICHE_ACTION_DATE_BEFORE_PREVIOUS_STEP: "La date de cette étape précède celle de l'étape précédente.",
    _E.FICHE_ACTION_TRANSITION_FORBIDDEN: "Ce passage d'étape n'est pas permis par le cycle de vie de la fiche action.",
    _E.IMPORT_COLUMNS_MISSING: "Des colonnes obligatoires manquent dans le fichier importé.",
    _E.IMPORT_FILE_EMPTY: "Le fichier importé ne contient aucune ligne.",
    _E.IMPORT_FILE_FORMAT_UNSUPPORTED: "Format de fichier non pris en charge (XLSX ou CSV UTF-8 attendus).",
    _E.IMPORT_FILE_INVALID: "Le fichier importé est illisible ou corrompu.",
    _E.IMPORT_FILE_TOO_LARGE: "Le fichier importé dépasse la taille ou le nombre de lignes autorisés.",
    _E.IMPORT_ROW_DUPLICATED: "Cette ligne répète une autre ligne du même fichier.",
    _E.INVALID_FICHE_ACTION: "La fiche action est invalide.",
    _E.LEAD_IS_A_PERSON: "Le pilote d'une fiche action est un rôle ou une organisation, jamais une personne nommée.",
    _E.TERRITORY_NOT_LABELLED: "Le territoire n'est plus labellisé : il ne prend plus de nouvelle fiche action.",
    _E.UNKNOWN_FICHE_ACTION: "La fiche action désignée est inconnue.",
    _E.DS_CHAMP_MISSING: "Un champ attendu du dossier Démarches simplifiées est absent ou vide.",
    _E.DS_CHAMP_INVALID: "Un champ du dossier Démarches simplifiées a une valeur que la plateforme ne sait pas lire.",
    _E.DS_GRANTED_AMOUNT_MISSING: (
        "Le dossier est accepté sur Démarches simplifiées mais son montant accordé (annotation privée) n'est pas"
        " renseigné."
    ),
    _E.DS_UNKNOWN_DEMARCHE: "Cette démarche de Démarches simplifiées n'est pas raccordée à la plateforme.",
    _E.DS_ACCESS_REFUSED: (
        "Démarches simplifiées refuse le jeton de la plateforme (expiré, révoqué, ou réseau non autorisé)."
    ),
    _E.DS_DECISION_REVERTED_AFTER_PAYMENT: (
        "Le dossier est repassé en instruction sur Démarches simplifiées alors qu'un versement a déjà été fait : la"
        " plateforme ne rouvre pas l'instruction, les services du programme décident de la suite."
    ),
    _E.PROGRAMME_NOT_DECIDED_BY_PARTNER: (
        "Sur ce programme, ce partenaire ou ce rôle instruit et donne un avis : il ne décide pas (pour le Fonds vert,"
        " la préfecture de région décide)."
    ),
    _E.CHEF_DE_PROJET_CAP_REACHED: (
        "La part de l'État au poste de chef de projet dépasserait le plafond annuel du territoire (30 000 € pour une"
        " ou deux intercommunalités, 40 000 € au-delà) ou 70 % du coût du poste."
    ),
    _E.ENVELOPE_CEILING_NOT_SET: (
        "Le plafond de cette enveloppe n'est pas publié : aucun engagement n'est possible tant qu'il n'est pas fixé."
    ),
    _E.ENVELOPE_CEILING_BELOW_COMMITTED: "Le plafond ne peut pas être inférieur à ce qui est déjà engagé ou réparti.",
    _E.REGIONAL_CEILINGS_ABOVE_NATIONAL: (
        "La somme des plafonds régionaux dépasserait le plafond de l'enveloppe nationale qui les contient."
    ),
    _E.ENVELOPE_FILING_CLOSED: "Le dépôt de dossiers sur cette enveloppe n'est pas ouvert à cette date.",
    _E.ENVELOPE_STILL_OPEN: "L'enveloppe est encore ouverte : clôturez-la avant d'en libérer le solde non engagé.",
    _E.UNKNOWN_PROGRAMME: "Le programme désigné n'est ni au catalogue ni déclaré par un partenaire.",
    _E.PROGRAMME_ALREADY_DECLARED: "Ce code de programme est déjà pris par un autre programme.",
    _E.NOT_A_CLOUDEVENT: (
        "L'événement n'est pas un objet CloudEvents en JSON (mode structuré) : attributs et champ data attendus."
    ),
    _E.PARTNER_BATCH_TOO_LARGE: "Le lot contient trop d'événements pour une seule requête : découpez-le.",
    _E.NOT_A_PARTNER: "Ce jeton n'identifie aucun partenaire du programme : seul un partenaire envoie ses événements.",
    _E.RECEIPT_NOT_FOUND: "Aucun accusé de réception de votre organisation ne porte cet identifiant.",
    _E.WEBHOOK_TARGET_REFUSED: "L'adresse de destination du webhook est refusée : seules des adresses https publiques"
    " sont permises.",
    _E.SERVICE_UNAVAILABLE: "Le service est momentanément indisponible (base de données ou Kafka injoignable) ;"
    " réessayez.",
    _E.INTERNAL_ERROR: "La plateforme n'a pas pu traiter l'événement ; il a été mis de côté pour analyse.",
}
"""The French sentence sent to partners for each code (a service may send a more precise one)."""

HTTP_STATUS: dict[ErrorCode, int] = {
    **dict.fromkeys(
        (_E.MALFORMED_REQUEST, _E.INVALID_CHARACTER, _E.INVALID_IDEMPOTENCY_KEY, _E.ACCESS_TOKEN_IN_URL), 400
    ),
    _E.NOT_A_CLOUDEVENT: 400,
    **dict.fromkeys((_E.UNAUTHENTICATED, _E.INVALID_TOKEN, _E.TOKEN_EXPIRED, _E.INVALID_TICKET), 401),
    _E.NOT_A_PARTNER: 403,
    _E.RECEIPT_NOT_FOUND: 404,
    _E.PARTNER_BATCH_TOO_LARGE: 413,
    **dict.fromkeys(
        (
            _E.FORBIDDEN,
            _E.OUT_OF_REGION,
            _E.OUT_OF_PROGRAMME,
            _E.OUT_OF_TERRITORY,
            _E.READ_ONLY_ROLE,
            _E.AGGREGATES_ONLY,
            _E.PROGRAMME_NOT_OPERATED,
            _E.PROGRAMME_NOT_DECIDED_BY_PARTNER,
        ),
        403,
    ),
    **dict.fromkeys(
        (
            _E.NOT_FOUND,
            _E.UNKNOWN_TERRITORY,
            _E.UNKNOWN_AGGREGATE,
            _E.UNKNOWN_COMMUNE,
            _E.UNKNOWN_BINOME,
            _E.UNKNOWN_CHEF_DE_PROJET_POST,
            _E.UNKNOWN_FICHE_ACTION,
            _E.UNKNOWN_SITE,
            _E.UNKNOWN_PROGRAMME,
        ),
        404,
    ),
    _E.METHOD_NOT_ALLOWED: 405,
    **dict.fromkeys(
        (
            _E.CONFLICT,
            _E.REQUEST_IN_PROGRESS,
            _E.EPCI_ALREADY_IN_TERRITORY,
            _E.EPCI_NOT_IN_TERRITORY,
            _E.CHEF_DE_PROJET_POST_ENDED,
            _E.BINOME_REQUIRED,
            _E.BINOME_ALREADY_ENDED,
            _E.EPCI_LIMIT_REACHED,
            _E.BINOME_LIMIT_REACHED,
            _E.CHEF_DE_PROJET_LIMIT_REACHED,
            _E.TERRITORY_LABEL_WITHDRAWN,
            _E.LABEL_ALREADY_WITHDRAWN,
            _E.TERRITORY_ALREADY_LISTED,
            _E.TERRITORY_NOT_LABELLED,
            _E.FICHE_ACTION_ALREADY_EXISTS,
            _E.FICHE_ACTION_CLOSED,
            _E.FICHE_ACTION_TRANSITION_FORBIDDEN,
            _E.ENVELOPE_CEILING_EXCEEDED,
            _E.ENVELOPE_ALREADY_OPENED,
            _E.ENVELOPE_CLOSED,
            _E.PAYMENT_EXCEEDS_COMMITMENT,
            _E.RELEASE_EXCEEDS_COMMITMENT,
            _E.APPLICATION_STATE_CONFLICT,
            _E.DS_DECISION_REVERTED_AFTER_PAYMENT,
            _E.SITE_ALREADY_SELECTED,
            _E.REBOND_LAUREATE_ALREADY_RECORDED,
            _E.CHEF_DE_PROJET_CAP_REACHED,
            _E.ENVELOPE_CEILING_NOT_SET,
            _E.ENVELOPE_CEILING_BELOW_COMMITTED,
            _E.REGIONAL_CEILINGS_ABOVE_NATIONAL,
            _E.ENVELOPE_FILING_CLOSED,
            _E.ENVELOPE_STILL_OPEN,
            _E.PROGRAMME_ALREADY_DECLARED,
        ),
        409,
    ),
    **dict.fromkeys((_E.REQUEST_TOO_LARGE, _E.IMPORT_FILE_TOO_LARGE), 413),
    **dict.fromkeys((_E.UNSUPPORTED_MEDIA_TYPE, _E.IMPORT_FILE_FORMAT_UNSUPPORTED), 415),
    **dict.fromkeys((_E.TOO_MANY_IDEMPOTENCY_KEYS, _E.TOO_MANY_STREAMS, _E.RATE_LIMITED), 429),
    _E.INTERNAL_ERROR: 500,
    **dict.fromkeys((_E.SERVICE_UNAVAILABLE, _E.STREAMS_FULL), 503),
}
"""The HTTP status of each code that is not 422 (a rule refused the request: the default)."""


def http_status_of(code: ErrorCode) -> int:
    """The status an HTTP answer of this code carries (422 unless `HTTP_STATUS` says otherwise)."""
    return HTTP_STATUS.get(code, 422)


CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,79}$"


ErrorCodeV1 = StrEnum(
    "ErrorCodeV1",
    [
        ("MALFORMED_JSON", "MALFORMED_JSON"),
        ("MISSING_HEADER", "MISSING_HEADER"),
        ("INVALID_HEADER", "INVALID_HEADER"),
        ("UNKNOWN_EVENT_TYPE", "UNKNOWN_EVENT_TYPE"),
        ("SCHEMA_VERSION_UNSUPPORTED", "SCHEMA_VERSION_UNSUPPORTED"),
        ("INVALID_PAYLOAD", "INVALID_PAYLOAD"),
        ("KEY_MISMATCH", "KEY_MISMATCH"),
        ("SUBJECT_MISMATCH", "SUBJECT_MISMATCH"),
        ("PRODUCER_MISMATCH", "PRODUCER_MISMATCH"),
        ("NOT_A_COMMAND", "NOT_A_COMMAND"),
        ("COMMAND_NOT_ALLOWED", "COMMAND_NOT_ALLOWED"),
        ("CONFLICTING_REDELIVERY", "CONFLICTING_REDELIVERY"),
        ("UNKNOWN_TERRITORY", "UNKNOWN_TERRITORY"),
        ("UNKNOWN_AGGREGATE", "UNKNOWN_AGGREGATE"),
        ("ENVELOPE_CEILING_EXCEEDED", "ENVELOPE_CEILING_EXCEEDED"),
        ("ENVELOPE_CLOSED", "ENVELOPE_CLOSED"),
        ("STATE_SHARE_ABOVE_CAP", "STATE_SHARE_ABOVE_CAP"),
        ("PAYMENT_EXCEEDS_COMMITMENT", "PAYMENT_EXCEEDS_COMMITMENT"),
        ("VTE_AID_ALREADY_PAID", "VTE_AID_ALREADY_PAID"),
        ("VTE_NOT_ELIGIBLE", "VTE_NOT_ELIGIBLE"),
        ("INTERNAL_ERROR", "INTERNAL_ERROR"),
    ],
)
"""FROZEN: the closed list of codes of the v1 answers (PartnerEventRejected.v1, MessageDeadLettered.v1).

Never add a code here (that would break the v1 schemas): add it to ErrorCode only. The v2 answers carry
ErrorCode as an open code (`OpenErrorCode`), so a new code is never a breaking change again.
"""


def _open_code_schema(schema: dict[str, Any]) -> None:
    schema["x-extensible-enum"] = [c.value for c in ErrorCode]


OpenErrorCode = Annotated[
    str,
    StringConstraints(pattern=CODE_PATTERN, max_length=80),
    Field(json_schema_extra=_open_code_schema),
]
"""A code of ErrorCode on the wire, as an open set: a reader must accept a code it does not know yet.

The JSON Schema is a pattern (new codes never break a reader); the codes known at this version are listed
in `x-extensible-enum`. The platform only sends codes declared in ErrorCode (a test scans every service).
"""


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
