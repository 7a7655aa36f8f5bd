"""Every table, imported in one place so that Alembic and the tests see the whole schema.

The modules that keep signatures true to their content are imported here too: their listeners
must be in place wherever tables are written (the service, the commands, the tests).
"""

from sqlmodel import SQLModel

from app.audit import models as audit_models
from app.export import models as export_models
from app.funding import models as funding_models
from app.funding import signing as funding_signing
from app.identity import models as identity_models
from app.mail import models as mail_models
from app.notify import models as notify_models
from app.partnerships import models as partnership_models
from app.readiness import models as readiness_models
from app.risks import models as risk_models
from app.signatures import models as signature_models
from app.wizard import models as wizard_models
from app.wizard import signing as stage_signing

metadata = SQLModel.metadata

__all__ = [
    "audit_models",
    "export_models",
    "funding_models",
    "funding_signing",
    "identity_models",
    "mail_models",
    "metadata",
    "notify_models",
    "partnership_models",
    "readiness_models",
    "risk_models",
    "signature_models",
    "stage_signing",
    "wizard_models",
]
