"""What units hear: the deadline calendar and its plan file, campaigns and their tally, the
morning digest's figures, broadcast recipients and runs. Uses shared."""
