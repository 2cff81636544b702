"""The round page's certificates box (the page itself is built apart): a decided round
offers the issue button with the form's token and, once issued, the ceremony's batch."""

from types import SimpleNamespace

from jinja2 import Environment, FileSystemLoader

from tests.conftest import ROOT


def box(texts, **round_fields) -> str:
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True)
    shown = {"status": "decided", "decision_number": "12/QĐ-UBND", "id": 7, **round_fields}
    return env.get_template("web/console/_round_certificates.html").render(
        t=lambda key, **kw: texts.get("vi", key, **kw), round=SimpleNamespace(**shown),
        staff=SimpleNamespace(csrf_token="tok"), certificates_issued=2,
        request=SimpleNamespace(query_params={"issued": "2", "sent": "2"}))


def test_a_decided_round_shows_the_button_the_count_and_the_batch(texts) -> None:
    html = box(texts)
    assert 'action="/console/rounds/7/certificates"' in html and 'value="tok"' in html
    assert "Phát hành và gửi giấy khen" in html
    assert 'href="/console/rounds/7/certificates.pdf"' in html
    assert "Đã phát hành 2 giấy khen mới, đã gửi 2 giấy khen." in html


def test_a_round_without_its_decision_offers_no_button(texts) -> None:
    html = box(texts, status="met", decision_number=None)
    assert "<form" not in html and "chưa có quyết định" in html
