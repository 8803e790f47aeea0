"""Business rules as plain async functions; no Telegram imports here."""
