"""Anonymous pulse surveys: the question library, waves, links and submissions."""
