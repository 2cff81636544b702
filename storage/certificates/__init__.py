"""Certificates (Giấy khen) for the honoured dossiers of a decided commendation round."""
