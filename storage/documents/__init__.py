"""Reads for the official documents: a round's dossiers, the year's report's figures."""
