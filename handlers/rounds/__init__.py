"""Commendation rounds (issue 18): the council's agenda, votes, outcome and decision, and
the register of exemplars; the rules here are pure, storage is in storage/rounds/."""
