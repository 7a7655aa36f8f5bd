"""The JSON shapes of the funding API. Money is a decimal string in pounds, never a float."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from app.core import patterns
from app.funding.formula import Method
from app.funding.models import FundingRole

NAMED: dict[str, JsonValue] = {"type": "string", "pattern": patterns.VISIBLE}


class ProposalIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "method": "population",
                    "one_off_cost": "250000.00",
                    "annual_cost": "1000000.00",
                    "years": 5,
                    "annual_uplift_percent": "2",
                    "savings_method": "same-as-costs",
                }
            ],
            # What each method needs, so that a client can know from the schema alone.
            "allOf": [
                {
                    "if": {"properties": {"method": {"enum": ["driver", "hybrid"]}}},
                    "then": {"required": ["driver_name"], "properties": {"driver_name": NAMED}},
                },
                {
                    "if": {"properties": {"method": {"const": "hybrid"}}},
                    "then": {
                        "required": ["base_share_percent"],
                        "properties": {"base_share_percent": {"type": "string"}},
                    },
                },
            ],
        }
    )
    method: Method
    one_off_cost: str = Field(pattern=patterns.POUNDS)
    annual_cost: str = Field(pattern=patterns.POUNDS)
    years: int = Field(ge=1, le=50)
    annual_uplift_percent: str | None = Field(default=None, pattern=patterns.PERCENT)
    base_share_percent: str | None = Field(default=None, pattern=patterns.PERCENT_OF_WHOLE)
    driver_name: str | None = Field(default=None, max_length=100)
    savings_method: str | None = Field(default=None, max_length=100)
    exit_terms: str | None = Field(default=None, max_length=5000)
    version: int = Field(default=0, ge=0, description="The proposal version you read; 0 for none")


class InputsIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"population": "150000"}]})
    population: str | None = Field(default=None, pattern=patterns.QUANTITY)
    driver: str | None = Field(default=None, pattern=patterns.QUANTITY)
    budget: str | None = Field(default=None, pattern=patterns.POUNDS)
    percentage: str | None = Field(default=None, pattern=patterns.PERCENT_OF_WHOLE)


class FundingSignIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"role": "ceo", "password": "correct horse battery staple"},
                {
                    "role": "cfo",
                    "password": "correct horse battery staple",
                    "content_hash": (
                        "0a5351708024381dad4cfaca41ead1cb920e42218b78317f79112e663b4efba8"
                    ),
                },
            ]
        }
    )
    role: FundingRole
    password: str = Field(max_length=1024)
    content_hash: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="The formula's `content_hash` as you read it: if it has changed since, "
        "nothing is signed (409).",
    )
    acknowledged: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="The keys of the open consistency warnings on the Day 1 terms (`warnings` "
        "in the funding answer) that you have read: each must be here, or nothing is signed "
        "(422, field `acknowledge`). They are kept with your signature.",
    )


# The examples' partnership: two councils sharing a revenues and benefits service, costing
# £250,000 to set up and £1,000,000 a year (rising 2% a year) over three years. Every partner
# has entered every figure, so the shares can be worked out under every method.
_NORTHDALE = "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13"
_EASTBROOK = "8b1d6e2f4a9c4b7e9d3a5f0c1e6b2d48"
_CONTENT_HASH = "0a5351708024381dad4cfaca41ead1cb920e42218b78317f79112e663b4efba8"

# A partner's row: share, one-off, each of the three years, total.
_Row = tuple[str, str, str, str, str, str]


def _example_table(method: str, northdale: _Row, eastbrook: _Row) -> dict[str, JsonValue]:
    """A TableOut example for the two example partners (the columns add up to the costs)."""
    rows: list[JsonValue] = [
        {
            "partner_id": partner_id,
            "organisation": organisation,
            "share_percent": share,
            "one_off": one_off,
            "per_year": list[JsonValue](years),
            "total": total,
        }
        for partner_id, organisation, (share, one_off, *years, total) in (
            (_NORTHDALE, "Northdale District Council", northdale),
            (_EASTBROOK, "Eastbrook Borough Council", eastbrook),
        )
    ]
    return {
        "method": method,
        "rows": rows,
        "one_off_total": "250000.00",
        "year_totals": ["1000000.00", "1020000.00", "1040400.00"],
        "grand_total": "3310400.00",
    }


_TABLES = {
    "equal": _example_table(
        "equal",
        ("50.00", "125000.00", "500000.00", "510000.00", "520200.00", "1655200.00"),
        ("50.00", "125000.00", "500000.00", "510000.00", "520200.00", "1655200.00"),
    ),
    "population": _example_table(
        "population",
        ("60.00", "150000.00", "600000.00", "612000.00", "624240.00", "1986240.00"),
        ("40.00", "100000.00", "400000.00", "408000.00", "416160.00", "1324160.00"),
    ),
    "driver": _example_table(
        "driver",
        ("58.33", "145833.33", "583333.33", "595000.00", "606900.00", "1931066.66"),
        ("41.67", "104166.67", "416666.67", "425000.00", "433500.00", "1379333.34"),
    ),
    "budget": _example_table(
        "budget",
        ("54.55", "136363.64", "545454.55", "556363.64", "567490.91", "1805672.74"),
        ("45.45", "113636.36", "454545.45", "463636.36", "472909.09", "1504727.26"),
    ),
    "fixed": _example_table(
        "fixed",
        ("55.00", "137500.00", "550000.00", "561000.00", "572220.00", "1820720.00"),
        ("45.00", "112500.00", "450000.00", "459000.00", "468180.00", "1489680.00"),
    ),
    "hybrid": _example_table(
        "hybrid",
        ("56.67", "141666.67", "566666.67", "578000.00", "589560.00", "1875893.34"),
        ("43.33", "108333.33", "433333.33", "442000.00", "450840.00", "1434506.66"),
    ),
}


class RowOut(BaseModel):
    partner_id: str
    organisation: str
    share_percent: str
    one_off: str
    per_year: list[str]
    total: str


class TableOut(BaseModel):
    method: Method
    rows: list[RowOut]
    one_off_total: str
    year_totals: list[str]
    grand_total: str


class MethodResult(BaseModel):
    method: Method
    table: TableOut | None
    problems: list[str]


class ChangeSinceSigned(BaseModel):
    role: FundingRole
    signer: str = Field(description="The signer and their organisation")
    signed_at: datetime
    changes: list[dict[str, str]] = Field(
        description="Each change as {label, then, now}, in words as the page shows it"
    )


class PartnerFundingOut(BaseModel):
    partner_id: str
    organisation: str
    population: str | None
    driver: str | None
    budget: str | None
    percentage: str | None
    ceo_signed_at: datetime | None
    cfo_signed_at: datetime | None
    changed_since_signed: list[ChangeSinceSigned] = Field(
        default_factory=list,
        description="For a CEO or CFO whose signature no longer counts because the formula "
        "changed: who signed, when, and each change since (empty when both signatures count).",
    )


class FundingOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "proposal": {
                        "method": "population",
                        "one_off_cost": "250000.00",
                        "annual_cost": "1000000.00",
                        "years": 3,
                        "annual_uplift_percent": "2.0000",
                        "base_share_percent": "20.0000",
                        "driver_name": "benefit caseload",
                        "savings_method": "same-as-costs",
                        "exit_terms": "A partner may leave at the end of a financial year with "
                        "twelve months' notice, paying its share of the one-off cost.",
                        "version": 3,
                    },
                    "partners": [
                        {
                            "partner_id": _NORTHDALE,
                            "organisation": "Northdale District Council",
                            "population": "150000.00",
                            "driver": "42000.00",
                            "budget": "12000000.00",
                            "percentage": "55.0000",
                            "ceo_signed_at": "2026-11-22T10:15:00Z",
                            "cfo_signed_at": "2026-11-22T11:30:00Z",
                        },
                        {
                            "partner_id": _EASTBROOK,
                            "organisation": "Eastbrook Borough Council",
                            "population": "100000.00",
                            "driver": "30000.00",
                            "budget": "10000000.00",
                            "percentage": "45.0000",
                            "ceo_signed_at": "2026-11-24T09:05:00Z",
                            "cfo_signed_at": "2026-11-24T14:20:00Z",
                        },
                    ],
                    "problems": [],
                    "blank_terms": [],
                    "warnings": [],
                    "table": _TABLES["population"],
                    "every_method": [
                        {"method": method, "table": table, "problems": []}
                        for method, table in _TABLES.items()
                    ],
                    "content_hash": _CONTENT_HASH,
                    "agreed": True,
                }
            ]
        }
    )
    proposal: ProposalIn | None
    partners: list[PartnerFundingOut]
    problems: list[str]
    warnings: list[dict[str, str]] = Field(
        default_factory=list,
        description="Open consistency warnings on the Day 1 terms, as {key, message}: a CEO "
        "or CFO acknowledges each when signing",
    )
    blank_terms: list[str] = Field(
        default_factory=list,
        description="The required Day 1 terms not answered yet, by label: the formula cannot "
        "be signed until they are (they are signed with it)",
    )
    table: TableOut | None
    every_method: list[MethodResult]
    content_hash: str
    agreed: bool


class FundingSignoffOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "f64bb78cdfe27e3ac073d4c98c42d8b8",
                    "partner_id": _NORTHDALE,
                    "role": "ceo",
                    "content_hash": _CONTENT_HASH,
                    "created_at": "2026-11-22T10:15:00Z",
                }
            ]
        }
    )
    id: str
    partner_id: str
    role: FundingRole
    content_hash: str
    created_at: datetime
