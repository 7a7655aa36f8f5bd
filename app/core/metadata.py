"""Every table, imported in one place so that Alembic and the tests see the whole schema."""

from sqlmodel import SQLModel

from app.audit import models as audit_models
from app.funding import models as funding_models
from app.identity import models as identity_models
from app.mail import models as mail_models
from app.notify import models as notify_models
from app.partnerships import models as partnership_models
from app.readiness import models as readiness_models
from app.risks import models as risk_models
from app.signoff import models as signoff_models
from app.wizard import models as wizard_models

metadata = SQLModel.metadata

__all__ = [
    "audit_models",
    "funding_models",
    "identity_models",
    "mail_models",
    "metadata",
    "notify_models",
    "partnership_models",
    "readiness_models",
    "risk_models",
    "signoff_models",
    "wizard_models",
]
