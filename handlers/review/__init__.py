"""Review: staff decide on a nomination (console or group buttons), the review card, the
case file. Uses shared/ and storage, intake's nomination records too; not the dialog or units."""
