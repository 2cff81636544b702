"""The writing contest (issue 19): entries checked at the door, judged, counted per unit.
Uses shared/ and storage; the intake dialog calls into it for its own steps."""
