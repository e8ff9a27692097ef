"""The QDA-XML vocabulary a .qdpx export writes and an import reads: namespace, GUIDs, participant variables.

Kept apart so :mod:`interviews.qdpx_export` and :mod:`interviews.refi_qda` (the import) agree on every name
without importing each other.
"""

from __future__ import annotations

import re
import uuid

NS = "urn:QDA-XML:project:1.0"
# Fixed, so the same study exports the same GUIDs (and bytes) every time.
GUID_NAMESPACE = uuid.UUID("6f1c2a8e-3d4b-5e6f-8a9b-0c1d2e3f4a5b")
# (variable name, participant column, column length); matched case-insensitively on import.
FIELDS = (("Industry", "industry", 64), ("Role", "role", 64), ("Tenure band", "tenure_band", 32),
          ("Channel", "channel", 32), ("Site", "site", 64))
CONSENT = "Consent given"
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry, dropped from every exported string."""
COLOUR = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
