"""Frontline's core: settings, storage, accounts, pulses, analysis and findings.

No Streamlit imports live here; the app in ``app/`` is a thin layer over it.
Importing the package switches the model-hub libraries to offline mode, so no
code path can reach the network for weights or tokenizers at run time.
"""

from research.offline import enforce_offline

enforce_offline()

__version__ = "0.1.0"
