"""Who may read and change the funding formula: members read; the lead proposes; each partner
enters its own figures and its CEO and CFO sign (checked in the flows, per role)."""

from __future__ import annotations

from app.partnerships.permissions import Lead as FundingLead
from app.partnerships.permissions import Member as FundingMember

__all__ = ["FundingLead", "FundingMember"]
