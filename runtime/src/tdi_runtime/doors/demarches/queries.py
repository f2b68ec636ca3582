"""The GraphQL documents the connector sends to Démarches simplifiées.

Validated in the kit's tests against the vendored schema (`runtime/tests/fixtures/ds/`), with a rule that refuses
any personal-data field: the applicant's name and e-mail (`usager`, `PersonnePhysique.nom/prenom/email`, …) are
never read; a dossier is known by its number and a link to it. Facts the queries rely on:
- no `order` argument (deprecated; `DESC` takes a legacy path): with `updatedSince`, dossiers come ordered by
  (updated_at, id) ascending and `after` continues strictly after the cursor's (updated_at, id);
- `number` is the dossier id; `dateDerniereModification` is its `updated_at`, given to the second;
- `DecimalNumberChamp.value` is a float: amounts are read from `stringValue` (normalised by DS), never from it.
"""

from __future__ import annotations

DOSSIER_FIELDS = """
fragment DossierFields on Dossier {
  number
  state
  dateDepot
  dateDerniereModification
  datePassageEnInstruction
  dateTraitement
  demandeur {
    __typename
    ... on PersonneMorale { siret entreprise { siren } address { cityCode } }
  }
  champs { ...ChampFields }
  annotations { ...ChampFields }
}

fragment ChampFields on Champ {
  __typename
  champDescriptorId
  label
  stringValue
  ... on DecimalNumberChamp { decimal: value }
  ... on IntegerNumberChamp { integer: value }
  ... on CommuneChamp { commune { code } departement { code } }
  ... on EpciChamp { epci { code } }
  ... on SiretChamp { etablissement { siret entreprise { siren } address { cityCode } } }
  ... on DropDownListChamp { choice: value }
  ... on YesNoChamp { yes: value }
  ... on CheckboxChamp { checked: value }
}
"""

DOSSIERS_CHANGED = (
    """
query DossiersChanged($demarche: Int!, $since: ISO8601DateTime!, $after: String, $first: Int) {
  demarche(number: $demarche) {
    number
    dossiers(updatedSince: $since, after: $after, first: $first) {
      pageInfo { hasNextPage endCursor }
      nodes { ...DossierFields }
    }
  }
}
"""
    + DOSSIER_FIELDS
)
"""One page of the dossiers of a démarche changed since a time (inclusive), after a cursor."""

ONE_DOSSIER = (
    """
query OneDossier($number: Int!) {
  dossier(number: $number) { ...DossierFields }
}
"""
    + DOSSIER_FIELDS
)
"""One dossier by its number (a re-drive reads it again from Démarches simplifiées, the source of truth)."""

ALL = ("DOSSIERS_CHANGED", "ONE_DOSSIER")
"""Every document the connector sends (the tests validate each one)."""
