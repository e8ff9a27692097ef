"""Qualitative research: interview studies, guides, participants, notes and coding."""
