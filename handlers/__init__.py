"""The channel-independent core, by capability: intake/ (a resident's nomination dialog),
review/ (staff decisions), units/ (what unit groups hear), shared/ (what all of them use)."""
