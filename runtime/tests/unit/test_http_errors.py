"""HTTP errors answer with a stable code, a French sentence and the fields at fault."""

from datetime import date

from fastapi import Depends, FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_runtime.errors import DomainError
from tdi_runtime.http import install_error_handlers


class Binome(BaseModel):
    territory_id: str = Field(pattern=r"^ti-\d+$")
    mandate: str


def app() -> FastAPI:
    api = FastAPI()
    install_error_handlers(api)

    @api.post("/binomes")
    def record(binome: Binome) -> dict[str, str]:
        raise DomainError(ErrorCode.EPCI_ALREADY_IN_TERRITORY, "(200067213)")

    return api


def test_a_malformed_body_answers_422_with_each_field_named():
    answer = TestClient(app()).post("/binomes", json={"territory_id": "Reims"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "INVALID_REQUEST"
    assert {e["field"] for e in body["errors"]} == {"body.territory_id", "body.mandate"}
    assert body["message"].startswith("La requête est invalide")


def test_a_business_conflict_answers_409_with_its_code_and_sentence():
    answer = TestClient(app()).post("/binomes", json={"territory_id": "ti-8413", "mandate": "maire"})
    assert answer.status_code == 409
    assert answer.json() == {
        "code": "EPCI_ALREADY_IN_TERRITORY",
        "message": f"{REASONS[ErrorCode.EPCI_ALREADY_IN_TERRITORY]} (200067213)",
    }


def guarded_app() -> FastAPI:
    from types import SimpleNamespace

    from tdi_runtime.http_access import commands

    api = FastAPI()
    install_error_handlers(api)
    tokens = {"s3cret": "staff", "r3ad": "reader"}
    api.state.runtime = SimpleNamespace(
        settings=SimpleNamespace(api_tokens=tokens, jwt_jwks_file=None, jwt_jwks_url=None)
    )

    @api.post("/binomes", dependencies=[Depends(commands())])
    def record() -> dict[str, str]:
        return {"status": "recorded"}

    return api


def test_a_command_needs_a_known_bearer_token_of_a_role_that_writes():
    client = TestClient(guarded_app())
    missing = client.post("/binomes")
    unknown = client.post("/binomes", headers={"Authorization": "Bearer guess"})
    reader = client.post("/binomes", headers={"Authorization": "Bearer r3ad"})
    staff = client.post("/binomes", headers={"Authorization": "Bearer s3cret"})
    assert (missing.status_code, missing.json()["code"]) == (401, "UNAUTHENTICATED")
    assert (unknown.status_code, unknown.json()["code"]) == (401, "UNAUTHENTICATED")
    assert (reader.status_code, reader.json()["code"]) == (403, "READ_ONLY_ROLE")
    assert staff.status_code == 200


def test_a_body_that_is_not_json_and_an_unknown_address_answer_with_a_stable_code():
    client = TestClient(app())
    garbled = client.post("/binomes", content=b"\x80", headers={"content-type": "application/json"})
    nowhere = client.get("/nowhere")
    assert (garbled.status_code, garbled.json()["code"]) in {(400, "MALFORMED_REQUEST"), (422, "INVALID_REQUEST")}
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "NOT_FOUND")
    assert nowhere.json()["message"] == "Cette adresse n'existe pas."


class Decision(BaseModel):
    granted_cents: int = Field(ge=0)
    decided_on: date


def french_app() -> FastAPI:
    api = FastAPI()
    install_error_handlers(api)

    @api.post("/decisions")
    def decide(decision: Decision, year: int = Query(ge=2023, le=2027)) -> dict[str, str]:
        return {"status": "decided"}

    return api


def test_each_field_error_reads_in_french_with_its_path_and_stable_code_kept():
    answer = TestClient(french_app()).post(
        "/decisions?year=deux-mille", json={"granted_cents": "douze", "decided_on": "hier", "extra": 1}
    )
    assert answer.status_code == 422
    errors = {e["field"]: (e["code"], e["message"]) for e in answer.json()["errors"]}
    assert errors == {
        "query.year": ("int_parsing", "Un nombre entier est attendu."),
        "body.granted_cents": ("int_parsing", "Un nombre entier est attendu."),
        "body.decided_on": ("date_from_datetime_parsing", "Date invalide : format AAAA-MM-JJ attendu."),
    }


def test_a_missing_body_and_a_value_out_of_range_are_explained_in_french():
    client = TestClient(french_app())
    missing = client.post("/decisions?year=2024").json()["errors"]
    low = client.post("/decisions?year=2019", json={"granted_cents": -1, "decided_on": "2024-01-15"}).json()
    assert missing == [{"field": "body", "code": "missing", "message": "Champ obligatoire absent."}]
    assert {e["field"]: e["message"] for e in low["errors"]} == {
        "query.year": "La valeur doit être supérieure ou égale à 2023.",
        "body.granted_cents": "La valeur doit être supérieure ou égale à 0.",
    }


def test_an_unknown_field_named_with_control_characters_still_gets_a_readable_answer():
    class Strict(BaseModel):
        model_config = {"extra": "forbid"}
        name: str

    api = FastAPI()
    install_error_handlers(api)

    @api.post("/strict")
    def strict(body: Strict) -> dict[str, str]:
        return {"status": "ok"}

    answer = TestClient(api).post(
        "/strict", content=b'{"name": "a", "\\u0007\\u009b": 1}', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "body.\\u0007\\u009b", "code": "extra_forbidden", "message": "Champ inconnu : vérifiez son nom (les"
         " champs non prévus sont refusés)."}
    ]  # fmt: skip


def catalogue_app() -> FastAPI:
    api = FastAPI()
    install_error_handlers(api)

    @api.get("/territories/{territory_id}")
    def territory(territory_id: str) -> dict[str, str]:
        raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=territory_id)

    @api.get("/me")
    def me() -> dict[str, str]:
        raise DomainError(ErrorCode.TOKEN_EXPIRED)

    return api


def test_a_domain_error_answers_with_the_status_and_sentence_of_its_code():
    answer = TestClient(catalogue_app()).get("/territories/ti-0")
    assert answer.status_code == 404
    assert answer.json() == {
        "code": "UNKNOWN_TERRITORY",
        "message": REASONS[ErrorCode.UNKNOWN_TERRITORY],
        "errors": [{"field": "territory_id", "value": "ti-0"}],
    }


def test_an_unauthenticated_caller_is_told_how_to_authenticate():
    answer = TestClient(catalogue_app()).get("/me")
    assert (answer.status_code, answer.json()["code"]) == (401, "TOKEN_EXPIRED")
    assert answer.headers["WWW-Authenticate"] == "Bearer"
