"""aiogram's ~450 Telegram types cost memory only once the bot uses them, and then work."""

import json
import subprocess
import sys
import textwrap

FRESH_PROCESS = textwrap.dedent("""
    import json
    from bot.telegram.lazy_models import build_aiogram_models_on_first_use

    assert build_aiogram_models_on_first_use()
    from aiogram import types
    from aiogram.methods import EditMessageText
    from aiogram.methods.base import Response

    def built():
        return sum(getattr(types, name).__pydantic_complete__ for name in types.__all__
                   if hasattr(getattr(types, name), "__pydantic_complete__"))

    at_import = built()
    update = types.Update.model_validate({
        "update_id": 7, "message": {
            "message_id": 2, "date": 0, "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "Bà Lan"}, "text": "Đồng ý",
            "reply_to_message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                 "photo": [{"file_id": "f", "file_unique_id": "u",
                                            "width": 9, "height": 9}]}}})
    edited = Response[EditMessageText.__returning__].model_validate({"ok": True, "result": {
        "message_id": 3, "date": 0, "chat": {"id": -100, "type": "supergroup", "title": "Tổ 5"},
        "text": "Đã duyệt"}})
    print(json.dumps({"at_import": at_import, "after_use": built(),
                      "text": update.message.text,
                      "photo": update.message.reply_to_message.photo[0].file_id,
                      "edited": edited.result.text}))
""")


def test_types_are_built_when_first_used_not_at_import():
    out = subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    seen = json.loads(out)
    assert seen["at_import"] < 50  # of ~450: aiogram alone builds every one of them
    assert seen["at_import"] < seen["after_use"]
    assert (seen["text"], seen["photo"], seen["edited"]) == ("Đồng ý", "f", "Đã duyệt")


def test_aiogram_imported_first_is_left_as_it_is():
    out = subprocess.run(
        [sys.executable, "-c", "import aiogram.types as t\n"
         "from bot.telegram.lazy_models import build_aiogram_models_on_first_use as b\n"
         "print(b(), t.Update.__pydantic_complete__)"],
        capture_output=True, text=True, check=True, timeout=60).stdout.split()
    assert out == ["False", "True"]
