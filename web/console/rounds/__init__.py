"""Console pages of commendation rounds, title criteria and the register of exemplars."""
