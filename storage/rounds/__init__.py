"""Storage of commendation rounds, their dossiers, the title criteria and the register."""
