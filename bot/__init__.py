"""kinerja-bot: performance-based staff management for Pemerintah Kota Medan on Telegram."""

__version__ = "0.1.0"
