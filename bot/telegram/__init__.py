"""The Telegram channel (aiogram 3): polling or webhook, both through the inbox."""
