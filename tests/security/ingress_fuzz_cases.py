"""Records a partner may send to its ingress topics, valid or broken in one of many ways, from a seeded generator.

Each case says what the platform must answer: `None` (accepted and applied) or the error code of the refusal.
Besides the random mix, `control_cases` breaks every `ce_*` header and every text field of both commands in each
way a text can hide a control: NUL, LF, CR, TAB, ESC, DEL and C1 characters, invalid UTF-8, empty, oversized
(and, for headers, a null value). Pure: no broker, no database; the fuzz test publishes the cases and checks
every answer.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tdi_contracts.envelope import HEADER_FIELDS, Envelope, encode_event, spec_for
from tdi_contracts.events.funding import CommitGrant, FileApplication
from tdi_contracts.events.funding.grants import GrantCommitted
from tdi_contracts.events.vte import RecordVteContractV2
from tdi_contracts.topics import partner_ingress_topic
from tdi_runtime.testing import example_payload

PARTNER = "bpifrance"
FUNDING, VTE = partner_ingress_topic(PARTNER, "funding"), partner_ingress_topic(PARTNER, "vte")
Headers = list[tuple[str, bytes]]


@dataclass
class Case:
    kind: str
    topic: str
    key: bytes | None
    value: bytes
    headers: Headers
    expect: str | None  # None: accepted and applied; else the code of the refusal
    event_id: str | None  # the ce_id sent (None: no ce_id header, answered under topic/partition/offset)
    applies: str | None = None  # "application" / "vte_contract": the state a valid command creates
    meta: dict[str, Any] = field(default_factory=dict)


def _record(payload: Any, event_id: str) -> tuple[bytes | None, bytes, Headers]:
    spec = spec_for(payload)
    envelope = Envelope.new(spec.type, spec.subject_of(payload), PARTNER)
    envelope = envelope.model_copy(update={"id": event_id, "source": f"/partners/{PARTNER}"})
    return encode_event(envelope, payload)


def _set(headers: Headers, name: str, value: bytes | None) -> Headers:
    kept = [(k, v) for k, v in headers if k != name]
    return kept if value is None else [*kept, (name, value)]


class Generator:
    """Valid commands (funding dossiers, VTE contracts) and every kind of broken record, in a seeded order."""

    def __init__(self, run: str, territory: str, commune: str, seed: int) -> None:
        self.run, self.territory, self.commune = run, territory, commune
        self.rng = random.Random(seed)
        self.n = 0

    def _id(self) -> str:
        self.n += 1
        return f"FZ-{self.run}-{self.n}"

    def dossier(self) -> dict[str, Any]:
        return {
            "partner_reference": f"FZ-{self.run}-D{self.n}",
            "territory_id": self.territory,
            "programme": "rebond-industriel-investissement",
            "envelope_id": "rebond-industriel-investissement",
            "applicant_siren": "732829320",
            "project_title": "Ligne de recyclage de composites",
            "requested_cents": self.rng.randrange(5_000_000, 15_000_000),
            "eligible_cost_cents": 60_000_000,
            "instrument": "avance-remboursable",
            "project_type": "investissement-industriel",
            "expected_jobs": 25,
            "productive_investment_cents": 90_000_000,
            "funding_year": 2024,
        }

    def contract(self) -> dict[str, Any]:
        establishment = {"siret": "73282932000074", "siren": "732829320", "size": "pme", "commune_insee": self.commune}
        return {
            "contract_reference": f"FZ-{self.run}-C{self.n}",
            "establishment": establishment,
            "territory_id": self.territory,
            "candidate": {"candidate_reference": f"FZ-CAND-{self.run}-{self.n}", "status": "jeune-diplome",
                          "study_level": "bac+5", "graduated_in": "2024-06"},
            "contract_type": "cdd", "duration_months": 12, "starts_on": "2024-09-02", "signed_on": "2024-07-10",
            "aid_requested_on": "2024-09-20",
        }  # fmt: skip

    def valid(self, topic: str | None = None) -> Case:
        event_id = self._id()
        if topic == FUNDING or (topic is None and self.rng.random() < 0.5):
            key, value, headers = _record(FileApplication.model_validate_json(json.dumps(self.dossier())), event_id)
            return Case("valid", FUNDING, key, value, headers, None, event_id, "application")
        key, value, headers = _record(RecordVteContractV2.model_validate_json(json.dumps(self.contract())), event_id)
        return Case("valid", VTE, key, value, headers, None, event_id, "vte_contract")

    def broken(self) -> list[Case]:
        """One malformed record (or a valid one and its conflicting or repeated copy)."""
        make = self.rng.choice(list(self._breakers().values()))
        made = make()
        return made if isinstance(made, list) else [made]

    def _base(self) -> tuple[Case, dict[str, Any]]:
        case = self.valid()
        document = json.loads(case.value)
        return case, document

    def _payload(
        self, kind: str, code: str, change: Callable[[dict[str, Any]], None], *, funding: bool = False
    ) -> Case:
        case, document = self._base()
        while funding and case.topic != FUNDING:
            case, document = self._base()
        change(document)
        value = json.dumps(document).encode()
        return Case(kind, case.topic, case.key, value, case.headers, code, case.event_id)

    def _header(self, kind: str, code: str, name: str, value: bytes | None) -> Case:
        case, _ = self._base()
        event_id = None if name == "ce_id" else case.event_id  # a missing or invalid ce_id: answered by place
        return Case(kind, case.topic, case.key, case.value, _set(case.headers, name, value), code, event_id)

    def _breakers(self) -> dict[str, Callable[[], Case | list[Case]]]:
        def money(value: Any) -> Callable[[dict[str, Any]], None]:
            return lambda d: d.update(requested_cents=value)

        def drop_required(d: dict[str, Any]) -> None:
            model = FileApplication if "requested_cents" in d else RecordVteContractV2
            required = sorted(n for n, f in model.model_fields.items() if f.is_required() and n in d)
            d.pop(self.rng.choice(required))

        return {
            "bad_json": lambda: self._raw("bad_json", "MALFORMED_JSON", lambda v: v[: len(v) // 2]),
            "not_utf8": lambda: self._raw("not_utf8", "MALFORMED_JSON", lambda v: b"\xff\xfe" + v),
            "empty": lambda: self._raw("empty", "MALFORMED_JSON", lambda v: b""),
            "json_not_object": lambda: self._raw("json_not_object", "INVALID_PAYLOAD", lambda v: b"[1, 2, 3]"),
            "unknown_type": lambda: self._header(
                "unknown_type", "UNKNOWN_EVENT_TYPE", "ce_type", b"fr.territoires-industrie.funding.Teleport.v1"
            ),
            "garbage_type": lambda: self._header("garbage_type", "UNKNOWN_EVENT_TYPE", "ce_type", b"hello"),
            "future_version": lambda: self._header(
                "future_version", "SCHEMA_VERSION_UNSUPPORTED", "ce_schemaversion", b"7"
            ),
            "unknown_partner": lambda: self._header("unknown_partner", "INVALID_HEADER", "ce_producer", b"acme"),
            "other_producer": lambda: self._header("other_producer", "PRODUCER_MISMATCH", "ce_producer", b"ademe"),
            "other_source": lambda: self._header("other_source", "SOURCE_MISMATCH", "ce_source", b"/partners/ademe"),
            "missing_id": lambda: self._header("missing_id", "MISSING_HEADER", "ce_id", None),
            "missing_type": lambda: self._header("missing_type", "MISSING_HEADER", "ce_type", None),
            "missing_time": lambda: self._header("missing_time", "MISSING_HEADER", "ce_time", None),
            "bad_time": lambda: self._header("bad_time", "INVALID_HEADER", "ce_time", b"hier soir"),
            "bad_specversion": lambda: self._header("bad_specversion", "INVALID_HEADER", "ce_specversion", b"0.3"),
            "id_with_space": lambda: self._header(
                "id_with_space", "INVALID_HEADER", "ce_id", f"FZ-{self.run} {self._id()}".encode()
            ),
            "id_not_ascii": lambda: self._header("id_not_ascii", "INVALID_HEADER", "ce_id", "FZ-é".encode()),
            "type_with_space": lambda: self._header(
                "type_with_space",
                "INVALID_HEADER",  # not a type name at all (CE_TYPE_PATTERN), so never quoted back
                "ce_type",
                "fr.territoires-industrie.funding.Déposer dossier.v1".encode(),
            ),
            "wrong_key": lambda: self._keyed("wrong_key", "KEY_MISMATCH", b"ti-0000"),
            "wrong_subject": lambda: self._header("wrong_subject", "SUBJECT_MISMATCH", "ce_subject", b"FZ-OTHER"),
            "missing_field": lambda: self._payload("missing_field", "INVALID_PAYLOAD", drop_required),
            "wrong_type": lambda: self._payload(
                "wrong_type", "INVALID_PAYLOAD", lambda d: d.update(territory_id=self.rng.choice([42, [1], {}]))
            ),
            "float_amount": lambda: self._payload("float_amount", "INVALID_PAYLOAD", money(1500.5), funding=True),
            "string_amount": lambda: self._payload("string_amount", "INVALID_PAYLOAD", money("150000"), funding=True),
            "negative_amount": lambda: self._payload("negative_amount", "INVALID_PAYLOAD", money(-1), funding=True),
            "huge_amount": lambda: self._payload("huge_amount", "INVALID_PAYLOAD", money(10**15), funding=True),
            "oversize_field": lambda: self._payload(
                "oversize_field", "INVALID_PAYLOAD", lambda d: d.update(territory_id="ti-" + "9" * 100_000)
            ),
            "event_not_command": self._event,
            "command_of_other_service": self._misrouted,
            "out_of_order": self._out_of_order,
            "repeated": self._repeated,
            "conflicting_copy": self._conflicting,
        }

    def _raw(self, kind: str, code: str, change: Callable[[bytes], bytes]) -> Case:
        case, _ = self._base()
        return Case(kind, case.topic, case.key, change(case.value), case.headers, code, case.event_id)

    def _keyed(self, kind: str, code: str, key: bytes) -> Case:
        case, _ = self._base()
        return Case(kind, case.topic, key, case.value, case.headers, code, case.event_id)

    def _event(self) -> Case:
        event_id = self._id()
        payload = example_payload(GrantCommitted, territory_id=self.territory)
        return Case("event_not_command", FUNDING, *_record(payload, event_id), "NOT_A_COMMAND", event_id)

    def _misrouted(self) -> Case:
        case = self.valid()
        topic = VTE if case.topic == FUNDING else FUNDING
        return Case("command_of_other_service", topic, case.key, case.value, case.headers, "COMMAND_NOT_ALLOWED",
                    case.event_id)  # fmt: skip

    def _out_of_order(self) -> Case:
        """A decision on a dossier the platform has not received (yet): refused, never applied."""
        event_id = self._id()
        payload = example_payload(CommitGrant, territory_id=self.territory, partner_reference=f"FZ-{self.run}-X")
        return Case("out_of_order", FUNDING, *_record(payload, event_id), "UNKNOWN_AGGREGATE", event_id)

    def _repeated(self) -> list[Case]:
        """A valid command sent twice under the same id: applied once, accepted (answered) twice."""
        case = self.valid()
        again = Case("repeated", case.topic, case.key, case.value, case.headers, None, case.event_id)
        return [case, again]

    def _conflicting(self) -> list[Case]:
        """A valid command, then another content under the same id: the copy is refused, the first stays."""
        case = self.valid()
        document = json.loads(case.value)
        field_ = "project_title" if "project_title" in document else "duration_months"
        document[field_] = "Autre projet" if field_ == "project_title" else 6
        value = json.dumps(document).encode()
        copy = Case("conflicting_copy", case.topic, case.key, value, case.headers, "CONFLICTING_REDELIVERY",
                    case.event_id)  # fmt: skip
        return [case, copy]


CONTROLS: dict[str, str] = {
    "nul": "\x00",
    "lf": "\n",
    "cr": "\r",
    "tab": "\t",
    "esc": "\x1b",
    "del": "\x7f",
    "c1-nel": "\x85",
    "c1-csi": "\x9b",
}
"""The control characters a text may hide: C0 (NUL, line breaks, tab, escape), DEL and C1."""
OVERSIZE = 5_000
"""Characters added to oversize a value: beyond every text limit of the contracts (4,000) and of the headers."""


def _inserted(text: bytes, extra: bytes) -> bytes:
    return text[:1] + extra + text[1:]


HEADER_BREAKS: dict[str, Callable[[bytes], bytes | None]] = {
    **{name: (lambda v, c=char: _inserted(v, c.encode())) for name, char in CONTROLS.items()},
    "not_utf8": lambda v: _inserted(v, b"\xff\xfe"),
    "empty": lambda v: b"",
    "oversized": lambda v: v + b"x" * OVERSIZE,
    "null": lambda v: None,
}
"""Each way to break a header's value; every one makes a `ce_*` header (or content-type) INVALID_HEADER."""


def _text_paths(document: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(document, dict):
        return [p for k, v in document.items() for p in _text_paths(v, (*path, k))]
    if isinstance(document, list):
        return [p for i, v in enumerate(document) for p in _text_paths(v, (*path, i))]
    return [path] if isinstance(document, str) else []


def _with_text(value: bytes, path: tuple[Any, ...], change: Callable[[str], str], ascii_only: bool = True) -> bytes:
    document = json.loads(value)
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = change(node[path[-1]])
    return json.dumps(document, ensure_ascii=ascii_only).encode()


_MARK = "\u2063"  # replaced by raw invalid UTF-8 once the document is encoded
TEXT_BREAKS: dict[str, tuple[str, Callable[[bytes, tuple[Any, ...]], bytes]]] = {
    **{
        name: ("INVALID_PAYLOAD", lambda v, p, c=char: _with_text(v, p, lambda t: t[:1] + c + t[1:]))
        for name, char in CONTROLS.items()
    },
    "c1-raw": (  # written as UTF-8 bytes, not as a \\u escape
        "INVALID_PAYLOAD",
        lambda v, p: _with_text(v, p, lambda t: t[:1] + "\x9b" + t[1:], ascii_only=False),
    ),
    "not_utf8": (
        "MALFORMED_JSON",
        lambda v, p: _with_text(v, p, lambda t: t[:1] + _MARK + t[1:], False).replace(_MARK.encode(), b"\xff"),
    ),
    "empty": ("INVALID_PAYLOAD", lambda v, p: _with_text(v, p, lambda t: "")),
    "oversized": ("INVALID_PAYLOAD", lambda v, p: _with_text(v, p, lambda t: t + "x" * OVERSIZE)),
}
"""Each way to break a text field of a command, and the code it gets."""


def control_cases(generator: Generator) -> list[Case]:
    """Every `ce_*` header and every text field of both commands, broken in each way a text hides a control."""
    made: list[Case] = []
    for header in HEADER_FIELDS:
        for how, change in HEADER_BREAKS.items():
            case = generator.valid()
            headers = [*_set(case.headers, header, None), (header, change(dict(case.headers)[header]))]
            event_id = None if header == "ce_id" else case.event_id  # an unreadable ce_id: answered by place
            made.append(Case("header_control", case.topic, case.key, case.value, headers, "INVALID_HEADER",
                             event_id, meta={"header": header, "how": how}))  # fmt: skip
    for topic in (FUNDING, VTE):
        for path in _text_paths(json.loads(generator.valid(topic).value)):
            for how, (code, change) in TEXT_BREAKS.items():
                case = generator.valid(topic)
                made.append(Case("text_control", topic, case.key, change(case.value, path), case.headers, code,
                                 case.event_id, meta={"field": ".".join(map(str, path)), "how": how}))  # fmt: skip
    return made


def cases(run: str, territory: str, commune: str, *, total: int, seed: int) -> list[Case]:
    """About `total` records: two fifths valid commands, the rest broken in every way the generator knows; then
    the control cases, each slipped in at a random place (so each shares a batch with valid commands)."""
    generator = Generator(run, territory, commune, seed)
    made: list[Case] = []
    while len(made) < total:
        made += [generator.valid()] if generator.rng.random() < 0.4 else generator.broken()
    for case in control_cases(generator):
        made.insert(generator.rng.randrange(len(made) + 1), case)
    return made
