"""Field definitions shared by the funding payloads, so each id is described once."""

from pydantic import Field

TERRITORY = Field(description="Territory the money goes to (the Kafka key)", examples=["ti-8413"])
ENVELOPE = Field(description="Envelope the money is taken from", examples=["fonds-vert-ti-2024-r44"])
APPLICATION = Field(description="Id of the application", examples=["9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c05"])
GRANT = Field(description="Id of the grant", examples=["3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e06"])
PAYMENT = Field(description="Id of the payment", examples=["7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a07"])
PROGRAMME = Field(description="Programme (funding line)", examples=["fonds-vert-ti"])
PROGRAMME_CODE = Field(
    description="Programme (funding line): a code of the catalogue or one a partner declared (open list)",
    examples=["fonds-vert-ti"],
)
INSTRUMENT = Field(description="Subsidy, repayable advance, loan or equity", examples=["subvention"])
APPLICANT = Field(description="SIREN of the project holder (company or authority)", examples=["732829320"])
SITE = Field(
    default=None,
    description="SIRET of the establishment where the project is located",
    examples=["73282932000074"],
)
TITLE = Field(description="Short title of the project", examples=["Ligne de recyclage de composites"])
REQUESTED = Field(description="Amount requested, in euro cents", examples=[150_000_000])
ELIGIBLE_COST = Field(
    default=None,
    description="Total eligible cost in euro cents (for a chef de projet post: its yearly cost)",
    examples=[600_000_000],
)
VALUE_CHAIN = Field(default=None, description="Fonds vert target value chain, if any", examples=["bioeconomie"])
FICHE_ACTION = Field(
    default=None,
    description="Fiche action the project implements",
    examples=["6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a04"],
)
FUNDING_YEAR = Field(
    default=None,
    ge=2023,
    le=2027,
    description="Year funded: required for yearly programmes (Fonds vert, chef de projet), the envelope's year",
    examples=[2024],
)
PARTNER_REFERENCE = Field(description="The partner's own reference of this record", examples=["BPI-2024-000123"])
PROJECT_TYPE = Field(
    default=None,
    description="What the project is, checked against the programme's eligible types",
    examples=["investissement-industriel"],
)
EXPECTED_JOBS = Field(default=None, ge=0, le=100_000, description="Jobs the project expects to create", examples=[25])
PRODUCTIVE_INVESTMENT = Field(
    default=None, description="Productive investment of the project, in euro cents", examples=[900_000_000]
)
SUPPORTED_BY_LOCAL_AUTHORITIES = Field(
    default=None,
    description="Declared by the project holder: the local authorities concerned support the project "
    "(the Fonds vert requires it, press kit « soutenus par les collectivités locales concernées »)",
    examples=[True],
)
LINKED_TO_TERRITORY_STRATEGY = Field(
    default=None,
    description="Declared by the project holder: the project is linked to the territory's industrial strategy "
    "(the Fonds vert requires it, press kit « en lien avec la stratégie industrielle des territoires »)",
    examples=[True],
)
INDUSTRIAL_SHOCK = Field(
    default=None,
    description="Declared: the territory faces an industrial shock (« chocs industriels »); information, not a gate",
    examples=[False],
)
CHEF_DE_PROJET_POST = Field(
    default=None,
    description="The chef de projet post a chef de projet dossier co-funds (required for that programme)",
    examples=["5d0c1c4e-7a55-4a7e-8d7b-2b8e3c1e9f02"],
)
