"""The `ce_*` Kafka headers of the CloudEvents Kafka binding (binary mode), read strictly."""

from collections.abc import Sequence

from .errors import ContractViolation, ErrorCode, FieldError

HEADER_FIELDS = {
    "ce_id": "id",
    "ce_source": "source",
    "ce_type": "type",
    "ce_specversion": "specversion",
    "ce_time": "time",
    "ce_subject": "subject",
    "content-type": "datacontenttype",
    "ce_correlationid": "correlation_id",
    "ce_causationid": "causation_id",
    "ce_schemaversion": "schema_version",
    "ce_producer": "producer",
}
"""Kafka header name -> envelope field; every one is required."""


def _invalid(header: str, message: str) -> ContractViolation:
    error = FieldError(path=header, code="invalid_header", message=message)
    return ContractViolation(ErrorCode.INVALID_HEADER, f"En-tête {header}.", (error,))


def read_ce_headers(headers: Sequence[tuple[str, bytes | None]]) -> dict[str, str]:
    """Envelope field -> header text; MISSING_HEADER or INVALID_HEADER (non UTF-8, conflicting duplicate)."""
    values: dict[str, str] = {}
    for name, raw in headers:
        field = HEADER_FIELDS.get(name.lower())
        if field is None:
            continue  # tracing and other headers travel alongside
        try:
            value = (raw or b"").decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid(name, "La valeur n'est pas en UTF-8.") from None
        if values.setdefault(field, value) != value:
            raise _invalid(name, "L'en-tête est présent deux fois avec des valeurs différentes.")
    if len(values) == len(HEADER_FIELDS):  # the common case, checked without building a list
        return values
    missing = [header for header, field in HEADER_FIELDS.items() if field not in values]
    if missing:
        message = "En-tête obligatoire absent."
        errors = tuple(FieldError(path=header, code="missing", message=message) for header in missing)
        raise ContractViolation(ErrorCode.MISSING_HEADER, f"Absent : {', '.join(missing)}.", errors)
    return values
