"""The TOTP secrets at rest: sealed under SECRET_KEY, unreadable under another key."""

from web.console.totp_box import SecretBox


def test_a_sealed_secret_opens_only_with_its_key():
    box = SecretBox(b"khoa-cua-phuong-ngoc-ha")
    sealed = box.seal("JBSWY3DPEHPK3PXP")
    assert sealed.startswith("v1:") and "JBSWY3DPEHPK3PXP" not in sealed
    assert box.seal("JBSWY3DPEHPK3PXP") != sealed  # a fresh nonce each time
    assert box.open(sealed) == "JBSWY3DPEHPK3PXP"
    assert SecretBox(b"mot-khoa-khac").open(sealed) == ""
    assert SecretBox(None).open(sealed) == ""


def test_without_a_key_in_development_it_is_kept_as_is_and_still_read_later():
    kept = SecretBox(None).seal("JBSWY3DPEHPK3PXP")
    assert kept == "plain:JBSWY3DPEHPK3PXP"
    assert SecretBox(b"khoa-dat-sau").open(kept) == "JBSWY3DPEHPK3PXP"
    assert SecretBox(b"khoa").open(None) == ""
