"""What the executive dashboard and the exports show, already suppressed.

Every function here returns data (dataclasses, DataFrames, Plotly figures) that
has passed the reporting thresholds of :mod:`research.privacy.reporting`: a
group too small to report comes back as a missing value and a "fewer than N
responses" note, never as a number, so no page or export can leak it.
"""
