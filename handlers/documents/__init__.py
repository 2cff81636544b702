"""The official documents (decision, council minutes, proposal to the city, the year's
report) as DOCX from the editable templates in templates/documents/."""
